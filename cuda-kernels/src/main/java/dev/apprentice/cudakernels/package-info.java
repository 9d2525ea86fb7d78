/** Ternary and 4-bit PTX kernels launched through JCuda (to come). */
package dev.apprentice.cudakernels;
