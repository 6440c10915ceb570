/**
 * The error function to double precision, needed for PyTorch's exact GELU (x * Phi(x)).
 * A Taylor series is accurate where it converges quickly; beyond |z| = 3 the continued fraction
 * for erfc takes over, so both branches stay near machine precision.
 */
export function erf(z: number): number {
  const az = Math.abs(z);
  if (az < 3) {
    let term = z;
    let sum = z;
    const z2 = z * z;
    for (let n = 1; n < 100; n++) {
      term *= -z2 / n;
      const contribution = term / (2 * n + 1);
      sum += contribution;
      if (Math.abs(contribution) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(z) = exp(-z^2)/sqrt(pi) * 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))), evaluated bottom-up.
  let fraction = az;
  for (let k = 60; k >= 1; k--) fraction = az + k / 2 / fraction;
  const erfc = Math.exp(-az * az) / Math.sqrt(Math.PI) / fraction;
  return z > 0 ? 1 - erfc : erfc - 1;
}
