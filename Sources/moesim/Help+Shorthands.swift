extension Help {
  /// `--precision` and `--layout` of `moesim run` (see `AccountingOptions`).
  static let shorthandOptions = """
      --precision X         Weight format: fp32, bf16, fp16, fp8, int8, int4
                            (same as --set precision.weights=X)
      --layout L            Parallel layout, e.g. tp=8,ep=8,dp=1,pp=2 (keys tp, ep, expert_tp,
                            dp, pp; absent ones are 1); cluster.devices follows
    """
}
