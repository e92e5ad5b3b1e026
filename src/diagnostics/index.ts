export {
  diagnose,
  DEFAULT_THRESHOLDS,
  type Diagnosis,
  type DiagnoseOptions,
  type DiagnosisThresholds,
  type Finding,
  type Signal,
  type Verdict,
} from './diagnose.js';
