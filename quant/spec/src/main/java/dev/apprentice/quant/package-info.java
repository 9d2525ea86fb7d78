/** Quantizers with straight-through gradients and packed low-bit inference (to come). */
package dev.apprentice.quant;
