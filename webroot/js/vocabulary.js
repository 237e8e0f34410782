// The job vocabulary shared with the server: status and type values, their grouping and labels.
// It lives here once so a renamed or added value is one edit; views compare against these constants
// instead of spelling the strings. CSS classes (chip-*, dot-*, tile-*, --st-*) derive from the values.

export const STATUS = Object.freeze({
  PENDING: 'pending',
  QUEUED: 'queued',
  RUNNING: 'running',
  SUCCESS: 'success',
  FAILED: 'failed',
  CANCELED: 'canceled',
});

/** Lifecycle order; filters, counts and strips list statuses in this order. */
export const STATUSES = Object.freeze([STATUS.PENDING, STATUS.QUEUED, STATUS.RUNNING, STATUS.SUCCESS, STATUS.FAILED, STATUS.CANCELED]);
export const ACTIVE_STATUSES = Object.freeze([STATUS.PENDING, STATUS.QUEUED, STATUS.RUNNING]);
export const TERMINAL_STATUSES = Object.freeze([STATUS.SUCCESS, STATUS.FAILED, STATUS.CANCELED]);

export const STATUS_LABEL = Object.freeze({
  [STATUS.PENDING]: 'Pending',
  [STATUS.QUEUED]: 'Queued',
  [STATUS.RUNNING]: 'Running',
  [STATUS.SUCCESS]: 'Succeeded',
  [STATUS.FAILED]: 'Failed',
  [STATUS.CANCELED]: 'Canceled',
});

export const isActive = (status) => ACTIVE_STATUSES.includes(status);
export const isTerminal = (status) => TERMINAL_STATUSES.includes(status);

/** The CSS custom property holding a status colour; the palette itself is in app.css (light and dark). */
export const statusColorVar = (status) => `--st-${status}`;

export const JOB_TYPE = Object.freeze({
  TRAIN: 'train',
  PREDICT: 'predict',
  SWEEP: 'sweep',
  CLOUD: 'cloud',
});

export const JOB_TYPES = Object.freeze([JOB_TYPE.TRAIN, JOB_TYPE.PREDICT, JOB_TYPE.SWEEP, JOB_TYPE.CLOUD]);

/** Types with a local submit form and templates; sweeps are train submissions, cloud jobs have their own page. */
export const SUBMIT_TYPES = Object.freeze([JOB_TYPE.TRAIN, JOB_TYPE.PREDICT]);

export const JOB_TYPE_LABEL = Object.freeze({
  [JOB_TYPE.TRAIN]: 'Train',
  [JOB_TYPE.PREDICT]: 'Predict',
  [JOB_TYPE.SWEEP]: 'Sweep',
  [JOB_TYPE.CLOUD]: 'Cloud',
});

/** Runs on this control plane's nodes rather than at an external provider. */
export const isLocal = (job) => !job.provider || job.provider === 'local';
