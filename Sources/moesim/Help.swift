import MoESim

/// The help texts: `moesim --help` and `moesim help COMMAND`.
enum Help {
  static let overview = """
    moesim \(MoESimVersion.string) — mixture-of-experts routing simulator

    Reads a declarative scenario (JSON5), streams synthetic tokens through the router of every
    MoE layer, and writes CSV traces of expert load, drops and balancing losses, plus the
    model's total vs active parameter count.

    USAGE: moesim <command> [options]

    COMMANDS:
      run [SCENARIO]        Simulate and write CSV results (default: the built-in quickstart)
      validate SCENARIO...  Check scenario files; print nothing but errors
      params [SCENARIO]     Print total and active parameters by component (no simulation)
      memory [SCENARIO]     Print memory per device for the scenario's cluster, and the verdict
      help [COMMAND]        Show help for a command

    OPTIONS:
      -h, --help            Show this help
      --version             Print the version

    EXAMPLES:
      moesim run Scenarios/quickstart.json5
      moesim run Scenarios/mixtral-8x7b.json5 --set router.capacity_factor=1.0 --out /tmp/cf1
      for e in 8 16 32 64; do moesim run --set model.moe.experts=$e --out Results/e$e; done
      moesim params Scenarios/mixtral-8x7b.json5
      moesim params Scenarios/deepseek-v3.json5 --precision int4 --layout tp=8,ep=8,pp=2
      moesim memory Scenarios/llama3-70b-dense.json5 --set memory.zero_stage=3

    EXIT STATUS: 0 ok, 64 bad command line, 65 invalid scenario, 66 missing input,
                 73 cannot create output, 74 write error (sysexits)
    """

  static let scenarioOptions = """
      --set KEY.PATH=VALUE  Override one scenario key (repeatable), e.g.
                            --set model.moe.experts=64 --set router.capacity_factor=null;
                            VALUE is JSON5 (a bare word is a string)
      --seed N              Override the scenario's seed
    """

  static let commands: [String: String] = [
    "run": """
      USAGE: moesim run [SCENARIO] [options]

      Simulates SCENARIO (default: the built-in quickstart, identical to
      Scenarios/quickstart.json5) and writes, in the results folder:
        summary.csv   one row of headline figures
        steps.csv     one row per step × MoE layer (load, drops, aux loss, z-loss, entropy)
        experts.csv   one row per MoE layer × expert (tokens routed, kept, dropped, share)
        params.csv    total and active parameters by component
        memory.csv    memory per device by stage and kind, for the scenario's layout and the
                      smallest layout that fits
        compute.csv   FLOPs per token (forward, training, 6·N), Chinchilla tokens, run totals
        scenario.json the resolved scenario, every default filled in
      Files are written under a temporary name and renamed when complete. Output is identical
      for any --threads value. A progress line goes to standard error when it is a terminal.

      OPTIONS:
        --out DIR             Results folder (default: Results/<scenario name>)
      \(scenarioOptions)
        --threads N           Worker threads (default: all cores)
        --quiet               Print no summary and no progress
      """,
    "validate": """
      USAGE: moesim validate SCENARIO... [options]

      Checks each scenario: JSON5 syntax, unknown keys (with the closest valid key suggested),
      types and ranges. Prints nothing when all are valid; otherwise one line per invalid file
      naming the file, key path, value and what is allowed. Exit status 0 or 65.

      OPTIONS:
      \(scenarioOptions)
      """,
    "params": """
      USAGE: moesim params [SCENARIO] [options]

      Prints the model's parameters by component (embedding, attention, dense FFN, routed and
      shared experts, router, norms, output head; extra modules such as MTP apart): total,
      active per token, share, bytes at precision.weights (GB = 10^9 bytes) and bytes on the
      fullest device of the layout; active with and without the input embedding; then FLOPs
      per token at memory.context (forward, training = 3 × forward, the 6·N rule) and the
      Chinchilla-optimal token counts.

      OPTIONS:
        --precision X         Weight format: fp32, bf16, fp16, fp8, int8, int4
                              (same as --set precision.weights=X)
        --layout L            Parallel layout, e.g. tp=8,ep=8,dp=1,pp=2 (keys tp, ep, expert_tp,
                              dp, pp; absent ones are 1); cluster.devices follows
        --csv                 Print CSV (the columns of params.csv) instead of a table
      \(scenarioOptions)
      """,
    "memory": """
      USAGE: moesim memory [SCENARIO] [options]

      Prints memory per device (GiB = 2^30 bytes) for each pipeline stage of the scenario's
      cluster layout, by kind: weights and KV cache and activation workspace (memory.mode =
      inference), or weights, gradients, Adam optimizer states and activations (training, with
      memory.zero_stage and memory.recompute); then whether the fullest device fits
      cluster.device_memory_gib, and the smallest device count (and layout) that fits.

      OPTIONS:
        --precision X         Weight format: fp32, bf16, fp16, fp8, int8, int4
        --layout L            Parallel layout, e.g. tp=8,ep=8,dp=1,pp=2
        --csv                 Print CSV (the columns of memory.csv) instead of a table
      \(scenarioOptions)
      """,
    "help": """
      USAGE: moesim help [COMMAND]

      Shows the overview, or the help of COMMAND.
      """,
  ]
}
