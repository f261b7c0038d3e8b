/** Simulated models are named `sim:<persona>` (or `sim:<persona>:<role>`). */
export const SIM_MODEL_PREFIX = 'sim:';
