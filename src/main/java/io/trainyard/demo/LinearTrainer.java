package io.trainyard.demo;

/**
 * Mini-batch Adam on mean squared error for a {@link LinearModel}, with a small L2 penalty
 * (ridge) on the weights. Features are standardized once up front with training-set statistics.
 */
final class LinearTrainer {

  /**
   * The job's lr is tuned for the real (deep) model, where 1e-4 is typical. A linear model on
   * standardized data needs a much larger step to move visibly within ~100 steps, so the
   * demo multiplies it: lr 1e-4 becomes an Adam step size of 1e-2.
   */
  static final double LR_SCALE = 100;
  static final double L2 = 1e-4;
  // Cosine decay to this fraction of the base lr damps Adam's end-of-run jitter.
  private static final double MIN_LR_FRACTION = 0.05;
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  /** Validation (or training-set) quality: mean squared error and R^2 averaged over outputs. */
  record Evaluation(double mse, double r2) {
  }

  private final double[] mean;
  private final double[] std;
  private final double[][] z; // standardized features, one row per sample
  private final double[][] y;
  private final int g;
  private final int o;
  private final double[][] w;
  private final double[] b;
  private final double[][] mW;
  private final double[][] vW;
  private final double[] mB;
  private final double[] vB;
  private final double baseLr;
  private final long totalSteps;
  private long t;

  /** Standardization statistics come from {@code trainRows} only, so validation stays unseen. */
  LinearTrainer(double[][] x, double[][] targets, int[] trainRows, double lr, long totalSteps) {
    this.g = x[0].length;
    this.o = targets[0].length;
    this.mean = new double[g];
    this.std = new double[g];
    for (int r : trainRows) {
      for (int j = 0; j < g; j++) {
        mean[j] += x[r][j];
      }
    }
    for (int j = 0; j < g; j++) {
      mean[j] /= trainRows.length;
    }
    for (int r : trainRows) {
      for (int j = 0; j < g; j++) {
        double d = x[r][j] - mean[j];
        std[j] += d * d;
      }
    }
    for (int j = 0; j < g; j++) {
      std[j] = Math.sqrt(std[j] / trainRows.length);
      // A constant column carries no signal; std 1 keeps it at zero instead of dividing by 0.
      if (!(std[j] > 1e-12)) {
        std[j] = 1;
      }
    }
    this.z = new double[x.length][g];
    for (int r = 0; r < x.length; r++) {
      for (int j = 0; j < g; j++) {
        z[r][j] = (x[r][j] - mean[j]) / std[j];
      }
    }
    this.y = targets;
    this.baseLr = lr * LR_SCALE;
    this.totalSteps = Math.max(1, totalSteps);
    this.w = new double[g][o];
    this.mW = new double[g][o];
    this.vW = new double[g][o];
    this.b = new double[o];
    this.mB = new double[o];
    this.vB = new double[o];
  }

  /**
   * Zero weights and the training-target mean as bias: the starting loss is then the target
   * variance, and the optimizer spends its steps on the weights instead of chasing offsets.
   */
  void initialize(int[] trainRows) {
    for (int r : trainRows) {
      for (int k = 0; k < o; k++) {
        b[k] += y[r][k];
      }
    }
    for (int k = 0; k < o; k++) {
      b[k] /= trainRows.length;
    }
  }

  /** One Adam update on rows {@code order[from..to)}; returns the batch MSE before the update. */
  double step(int[] order, int from, int to) {
    int n = to - from;
    double[][] gW = new double[g][o];
    double[] gB = new double[o];
    double[] err = new double[o];
    double loss = 0;
    for (int i = from; i < to; i++) {
      int r = order[i];
      predictStandardized(z[r], err);
      for (int k = 0; k < o; k++) {
        err[k] -= y[r][k];
        loss += err[k] * err[k];
        gB[k] += err[k];
      }
      for (int j = 0; j < g; j++) {
        double zj = z[r][j];
        for (int k = 0; k < o; k++) {
          gW[j][k] += zj * err[k];
        }
      }
    }
    double scale = 2.0 / ((double) n * o); // d/dpred of the mean over batch and outputs
    t++;
    double lr = learningRate();
    double c1 = 1 - Math.pow(BETA1, t);
    double c2 = 1 - Math.pow(BETA2, t);
    for (int j = 0; j < g; j++) {
      for (int k = 0; k < o; k++) {
        double grad = gW[j][k] * scale + 2 * L2 * w[j][k];
        mW[j][k] = BETA1 * mW[j][k] + (1 - BETA1) * grad;
        vW[j][k] = BETA2 * vW[j][k] + (1 - BETA2) * grad * grad;
        w[j][k] -= lr * (mW[j][k] / c1) / (Math.sqrt(vW[j][k] / c2) + EPS);
      }
    }
    for (int k = 0; k < o; k++) {
      double grad = gB[k] * scale;
      mB[k] = BETA1 * mB[k] + (1 - BETA1) * grad;
      vB[k] = BETA2 * vB[k] + (1 - BETA2) * grad * grad;
      b[k] -= lr * (mB[k] / c1) / (Math.sqrt(vB[k] / c2) + EPS);
    }
    return loss / ((double) n * o);
  }

  Evaluation evaluate(int[] rows) {
    double[] ssRes = new double[o];
    double[] sum = new double[o];
    double[] sumSq = new double[o];
    double[] pred = new double[o];
    for (int r : rows) {
      predictStandardized(z[r], pred);
      for (int k = 0; k < o; k++) {
        double d = pred[k] - y[r][k];
        ssRes[k] += d * d;
        sum[k] += y[r][k];
        sumSq[k] += y[r][k] * y[r][k];
      }
    }
    double mse = 0;
    double r2 = 0;
    for (int k = 0; k < o; k++) {
      mse += ssRes[k];
      double ssTot = sumSq[k] - sum[k] * sum[k] / rows.length;
      // A constant target has no variance to explain: perfect fit counts as 1, anything else 0.
      r2 += ssTot > 1e-12 ? 1 - ssRes[k] / ssTot : (ssRes[k] < 1e-12 ? 1 : 0);
    }
    return new Evaluation(mse / ((double) rows.length * o), r2 / o);
  }

  LinearModel toModel() {
    return new LinearModel(mean, std, w, b);
  }

  private double learningRate() {
    double progress = Math.min(1.0, (double) (t - 1) / totalSteps);
    double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
    return baseLr * (MIN_LR_FRACTION + (1 - MIN_LR_FRACTION) * cosine);
  }

  private void predictStandardized(double[] zr, double[] out) {
    System.arraycopy(b, 0, out, 0, o);
    for (int j = 0; j < g; j++) {
      double zj = zr[j];
      for (int k = 0; k < o; k++) {
        out[k] += w[j][k] * zj;
      }
    }
  }
}
