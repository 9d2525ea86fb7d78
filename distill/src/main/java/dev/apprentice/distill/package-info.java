/** Distillation trainer, datasets and the command-line tool (to come). */
package dev.apprentice.distill;
