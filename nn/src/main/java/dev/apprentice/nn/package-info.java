/** Modules, layers and the ResNet family (to come: issue "ResNets, datasets and the trainer"). */
package dev.apprentice.nn;
