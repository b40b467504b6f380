extension Help {
  static let sweepHelp = """
    USAGE: moesim sweep [SCENARIO] --vary KEY.PATH=V1,V2,... [--vary ...] [options]
           moesim sweep [SCENARIO] --zip K1=V1,V2,... --zip K2=W1,W2,... [--vary ...] [options]
           moesim sweep [SCENARIO] --points POINTS.csv [--vary ...] [options]

    Runs SCENARIO (default: the built-in quickstart) at every point of a grid: the --points
    file's rows, then the --zip axes (coupled: their i-th values go together; all the same
    length), then each --vary, crossed in that order (the first varies slowest). Each point is
    an ordinary run written by the same code as `moesim run`, into DIR/point-NNNN
    (byte-identical to `moesim run --set KEY=V ...`); DIR/sweep.csv holds one row per point:
    point, the varied keys, every summary.csv column, point_status and point_error. Values are
    JSON5, checked exactly like --set; an object value is merged into the scenario's object key
    by key (so --vary 'model.moe={experts:16,top_k:4},{...}' keeps first_dense_layers; null
    removes a key). Integer ranges expand in place:
      8..256*2   8,16,32,64,128,256 (multiply)      1..9+4   1,5,9 (add)      1..4   1,2,3,4
    model.moe.expert_intermediate_size=keep_active keeps top_k × expert width at the base
    scenario's (file + --set): width = round(k0 × I0 / k), halves up, at least 1.
    A point whose scenario is invalid is not run: its row says invalid and why, a warning names
    it, and the sweep exits 0 if any point ran (--strict: stop at the first invalid point with
    its error, exit 64 or 65, before anything runs). Re-running skips the points whose folder
    already holds a complete run of the same resolved scenario, so an interrupted sweep resumes.

    OPTIONS:
      --vary KEY.PATH=LIST  A key and its values (repeatable; one --vary per key)
      --zip KEY.PATH=LIST   A coupled key (repeatable; every --zip has as many values)
      --points FILE         CSV: a header of keys, a row per coupled set of values
      --strict              Refuse the sweep when any point is invalid
      --out DIR             Sweep folder (default: Results/<scenario name>-sweep)
      --jobs N              Points run at once (default: all cores, at most --threads)
      --threads N           Threads in total (default: all cores); each point gets
                            max(1, N / jobs), so jobs × threads never oversubscribe
      --shard I/N           Run only the points whose index is I modulo N (0 ≤ I < N) and
                            write DIR/sweep.shard-I-of-N.csv; combine with `moesim merge`
      --trace-every N       As for run
      --no-step-trace       As for run
      --quiet               Print no summary and no progress
    \(simulationOptions)

    EXAMPLES:
      moesim sweep --vary model.moe.experts=8..64*2 --vary model.moe.top_k=1,2 --out /tmp/s
      moesim sweep --zip model.moe.experts=8,16,32,64 --zip model.moe.top_k=1,2,4,8 \\
        --vary model.moe.expert_intermediate_size=keep_active --out /tmp/fine
      moesim sweep Scenarios/quickstart.json5 --vary router.capacity_factor=1.0,1.25,null
      moesim sweep --vary model.moe.experts=8..64*2 --shard 0/2 --out /shared/s   # one machine
      moesim merge /shared/s
    """

  static let mergeHelp = """
    USAGE: moesim merge DIR... [--out DIR] [--force] [--quiet]

    Reads every sweep.shard-I-of-N.csv (and sweep.csv) in the given sweep folders, checks that
    they have the same columns, that every shard 0..N-1 is present and that a point found twice
    has the same row, and writes the union, in point order, to OUT/sweep.csv (default: the
    first DIR). Exit status 65 when the tables do not fit together (a row with more or fewer
    fields than the header included), 66 when a DIR is missing. An existing OUT/sweep.csv is
    replaced only when OUT's manifest.csv lists it at its size (MoESim wrote it); otherwise
    exit 73, unless --force.
    """

  static let plotHelp = """
    USAGE: moesim plot RESULTS_DIR... [--quiet]

    Writes SVG charts (no dependency; open them in any browser) next to the CSVs of each
    results folder or sweep folder, and prints their paths:
      load-heatmap.svg    experts.csv: load_share per MoE layer × expert (at most the first
                          256 layers and 256 experts; the title says when it is cut)
      imbalance.svg       steps.csv: mean and worst-layer max/mean load per step
      drops.svg           steps.csv: dropped / routed assignments per step
      memory.svg          memory.csv: GiB per device by kind, per layout × stage
      sweep-FIGURE.svg    sweep.csv: drop_fraction, mean_max_over_mean_load,
                          worst_max_over_mean_load, total_params, active_params, and
                          entropy_mean, aux_loss_mean, step_time_s, tokens_per_s when every
                          point has them, against the first varied key (a line per value of
                          the other varied keys not coupled to it; invalid points left out)
      compare-FIGURE.svg  comparison.csv: a bar per variant of total_params, active_params,
                          forward_flops_per_token, memory_bytes_per_device, step_time_s,
                          tokens_per_s (each when every row has it); each variant's folder
                          is plotted as a results folder
    A table with no rows (a dense run's experts.csv and steps.csv) draws no chart.
    Each mark carries its CSV value (data-value, data-x, data-y attributes, and a tooltip).
    The charts are recorded in the folder's manifest.csv, so a later run still replaces the
    folder; a chart file MoESim did not write is never overwritten (exit 73).
    """

  static let compareHelp = """
    USAGE: moesim compare [SCENARIO] [--match active,total,memory] [--multiple-of N] [options]

    Derives the dense counterpart of an MoE scenario (same attention, embeddings, norms,
    layers, precision, cluster and workload; every FFN dense, one width W; ep = expert_tp = 1)
    and writes OUT/comparison.csv, a row per variant, then prints per counterpart a verdict:
    which is faster (step time) and by how much, which needs less memory per device and fewer
    forward FLOPs per token, which fits, and the loss estimates, each blank one with its reason.
    The counterparts:
      active   W gives the MoE's forward matmul FLOPs per token: on MoE layers
               top_k × expert width + shared-expert width (default)
      total    W gives the MoE's stored parameters
      memory   W gives the MoE's memory on the fullest device of the layout
    W is the integer closest to the target, then rounded to the nearest multiple of N.
    Columns: variant, experts, top_k, ffn_intermediate_size, total_params, active_params,
    forward_flops_per_token, weight_bytes_per_device, memory_bytes_per_device, devices, fits,
    devices_to_fit, training_tokens (compute.training_tokens, or 20 × the MoE's active
    parameters), training_flops_6nd, loss_estimate_chinchilla (dense rows only; an estimate),
    simulated_tokens, drop_fraction, mean_max_over_mean_load (from running each variant
    through the scenario's workload into OUT/<variant>/; empty with --no-run), step_time_s,
    tokens_per_s (only with cluster.placement and cluster.device: the MoE's from its run,
    the dense rows' from the same time model with no all-to-all), loss_estimate_krajewski
    (Krajewski et al. 2024 eq. 9 / eq. 1, Table 1; an estimate, empty outside the fitted
    range) and loss_estimate_krajewski_note (why it is empty).

    OPTIONS:
      --match LIST          Counterparts to derive (default: active)
      --multiple-of N       Round the dense width to a multiple of N (default 1)
      --out DIR             Folder for comparison.csv and the runs (default:
                            Results/<name>-compare)
      --no-run              Accounting only; do not simulate the variants
      --threads N           Threads per run (default: all cores)
      --quiet               Do not print the verdict
    \(simulationOptions)
    """
}
