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
      import-hf CONFIG.json Write a Hugging Face config.json as the equivalent, commented
                            scenario (a config.json also works wherever a scenario does)
      export-trace [SCENARIO] --out FILE
                            Write a run's routing decisions as a replayable trace CSV
      fit TRACE [--out SCENARIO.json5]
                            Fit the token model's knobs to a recorded routing trace
      bench                 Measure routing throughput (decisions/s) on 1 and N threads
      memory [SCENARIO]     Print memory per device for the scenario's cluster, and the verdict
      place LOADS           Plan expert placement from recorded loads (CSV, SGLang, EPLB,
                            TensorRT-LLM, Megatron, .npy); export it for SGLang, EPLB, TRT-LLM
      sweep [SCENARIO] --vary K=V1,V2,...  Run a grid of scenarios, one folder per point
      merge DIR...          Combine sweep shard tables into one sweep.csv
      plot RESULTS_DIR...   Write SVG charts next to the CSVs of a results or sweep folder
      compare [SCENARIO]    MoE vs its dense counterpart at equal active compute (or total,
                            memory): comparison.csv
      help [COMMAND]        Show help for a command
      help scenario [BLOCK] List every scenario key: type, default, allowed values, meaning

    OPTIONS:
      -h, --help            Show this help
      --version             Print the version

    EXAMPLES:
      moesim run Scenarios/quickstart.json5
      moesim run Scenarios/mixtral-8x7b.json5 --set router.capacity_factor=1.0 --out /tmp/cf1
      for e in 8 16 32 64; do moesim run --set model.moe.experts=$e --out Results/e$e; done
      moesim params Scenarios/mixtral-8x7b.json5
      moesim params Scenarios/deepseek-v3.json5 --precision int4 --layout tp=8,ep=8,pp=2
      moesim params path/to/Mixtral-8x7B-v0.1/config.json
      moesim import-hf path/to/config.json --out Scenarios/my-model.json5
      moesim memory Scenarios/llama3-70b-dense.json5 --set memory.zero_stage=3

    EXIT STATUS: 0 ok, 64 bad command line, 65 invalid scenario, 66 missing input,
                 69 bench --peer failed, 73 cannot create output, 74 write error (sysexits),
                 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM (earlier results kept)
    """

  static let scenarioOptions = """
      --set KEY.PATH=VALUE  Override one scenario key (repeatable), e.g.
                            --set model.moe.experts=64 --set router.capacity_factor=null;
                            VALUE is JSON5 (a bare word is a string)
      --seed N              Override the scenario's seed
    """

  /// The scenario options of the commands that simulate, with the work-budget override.
  static let simulationOptions =
    scenarioOptions + """

      --allow-large         Take on a run above the work budget (10^11 routing decisions:
                            (warm-up + steps) x tokens_per_step x MoE layers, about an hour
                            at the fastest bench speed); refused with exit 65 otherwise
    """

  static let commands: [String: String] = [
    "run": """
    USAGE: moesim run [SCENARIO] [options]

    Simulates SCENARIO (default: the built-in quickstart, identical to
    Scenarios/quickstart.json5; a Hugging Face config.json also works, with the default
    workload) and writes, in the results folder:
      summary.csv   one row of headline figures
      steps.csv     one row per step × MoE layer (load, drops, aux loss, z-loss, entropy)
      experts.csv   one row per MoE layer × expert (tokens routed, kept, dropped, share)
      devices.csv   one row per step × expert-parallel device (with cluster.placement)
      validation.csv each published measurement of the scenario's validation block
                    against the run's figure (with a validation block)
      params.csv    total and active parameters by component
      memory.csv    memory per device by stage and kind, for the scenario's layout and the
                    smallest layout that fits
      compute.csv   FLOPs per token (forward, training, 6·N), Chinchilla tokens, run totals
      scenario.json the resolved scenario, every default filled in
      manifest.csv  the files MoESim wrote, with their sizes (what a later run may replace)
    Files are written under a temporary name and renamed when complete. Output is identical
    for any --threads value. A progress line goes to standard error when it is a terminal.
    The run is written into a hidden sibling folder that replaces DIR whole at the end, so DIR
    never mixes two runs; Ctrl-C stops between steps (within a second in any case), removes
    the partial files, leaves DIR as it was and exits 130 (143 for SIGTERM, 129 for SIGHUP).

    OPTIONS:
      --out DIR             Results folder (default: Results/<scenario name>); an existing
                            DIR is replaced whole only if its manifest.csv lists every file
                            in it at its size (a file of yours in DIR makes the run refuse)
      --force               Replace DIR even if it holds other files (never the working
                            folder or one containing it, links resolved)
      --threads N           Worker threads, 1...\(ThreadLimit.maximum) (default: all cores)
      --trace-every N       Write one step in N to steps.csv (steps 0, N, 2N, ...)
      --no-step-trace       Write no steps.csv (summary and experts still cover every step)
      --export-placement F  Also write the final expert placement as F = sglang, eplb,
                            trtllm or vllm-ascend (placement-F.json / .yaml); the same as
                            --set cluster.placement.export=F (without a cluster.placement,
                            the default contiguous one on cluster.layout.ep devices)
    \(shorthandOptions)
    \(simulationOptions)
      --quiet               Print no summary and no progress
    """,
    "validate": """
    USAGE: moesim validate SCENARIO... [options]

    Checks each scenario: JSON5 syntax, unknown keys (with the closest valid key suggested),
    types and ranges, and that a replayed trace (workload.kind = "trace") is present (its rows
    are checked when a run reads it). Prints nothing when all are valid; otherwise one line per
    invalid file naming the file, key path, value and what is allowed. Exit status 0, 65, or 66
    for a missing scenario or trace.

    OPTIONS:
    \(scenarioOptions)
    """,
    "params": """
    USAGE: moesim params [SCENARIO] [options]

    SCENARIO may be a Hugging Face config.json (see 'moesim help import-hf').

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
    "export-trace": ExportTraceCommand.help,
    "fit": fitHelp,
    "import-hf": ImportHFCommand.help,
    "bench": """
    USAGE: moesim bench [--workload R-fine|R-coarse|SCENARIO] [options]

    Times whole simulations of a workload (no result files) and prints routing decisions
    (token × MoE layer) per second, ns per decision and peak resident memory, for 1 thread
    and for --threads N, so the parallel speed-up shows. R-fine (256 experts, top-8, 58 MoE
    layers, 32 steps) and R-coarse (8 experts, top-2, 32 MoE layers, 64 steps) are built in,
    identical to Scenarios/bench/; any scenario file works too. --peer runs a peer script
    (peer_numpy.py, or peer_torch.py with the same knobs) on the same workload, so the ratio
    comes from one invocation, and names it by its script; with --repeat the peer and each
    thread count take turns, round after round, in alternating order (peer, 1, N; then N, 1,
    peer), and the medians are reported.
    The table ends with the bound: this machine's peak of 16-lane fused multiply-adds on one
    thread (12 independent chains), the logits GEMM alone on the workload's shapes, in the
    run's layout (rows, or token tiles of 16 tokens for softmax routers of at most 16
    experts), and the fraction of that peak it reaches, and its share of a one-thread
    decision.

    OPTIONS:
      --workload NAME       R-fine (default), R-coarse, or a scenario file
      --threads N           Threads of the parallel run (default: all cores; 1 = one run)
      --repeat N            Run each configuration (and the peer) N times, interleaved, and
                            report the medians (default 1)
      --peer SCRIPT         Also run `python3 SCRIPT` (peer_numpy.py, peer_torch.py) with the
                            workload's knobs
      --python EXE          The Python for --peer (default python3), e.g. a venv's with torch
      --csv                 Print CSV: workload, threads, decisions, seconds, decisions_per_s,
                            ns_per_decision, peak_rss_mib, engine, kernels
    \(scenarioOptions)

    EXAMPLES:
      moesim bench --workload R-coarse --repeat 3
      moesim bench --workload R-fine --peer ../shared/bench/peer_numpy.py
      moesim bench --workload R-fine --peer ../shared/bench/peer_torch.py --python venv/bin/python
      moesim bench --workload R-fine --set workload.steps=320 --csv   # memory vs steps
      MOESIM_KERNELS=avx2 moesim bench --workload R-coarse    # one kernel variant

    ENVIRONMENT:
      MOESIM_KERNELS        baseline, avx2 or avx512: run that kernel variant (if the CPU has
                            it) instead of the fastest; every variant gives the same bits
    """,
    "memory": """
    USAGE: moesim memory [SCENARIO] [options]

    SCENARIO may be a Hugging Face config.json (see 'moesim help import-hf').

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
    "sweep": sweepHelp,
    "merge": mergeHelp,
    "plot": plotHelp,
    "compare": compareHelp,
    "help": """
    USAGE: moesim help [COMMAND]

    Shows the overview, or the help of COMMAND.
    """,
    "place": """
    USAGE: moesim place LOADS --devices D [--slots N] [--nodes M] [--groups G]
                        [--strategy replicated|contiguous|round_robin|load_aware]
                        [--format F] [--experts E]
                        [--export sglang|eplb|trtllm|vllm-ascend --export-out PATH]

    Reads recorded per-expert loads and places each layer's experts on D devices in N
    physical slots (default E; N - E redundant slots replicate the heaviest experts), with
    the simulator's own placement code. Prints three CSV blocks separated by an empty line:
      layer,slot,device,expert          the plan (slot s is on device s / (N / D))
      layer,device,load                 load per device (an expert's load split evenly
                                        over its replicas)
      layer,max_device_load,mean_device_load,max_over_mean_device_load
    --nodes M and --groups G make the replicated strategy hierarchical (expert groups to
    nodes first, then replicas to the devices of each node) when G is a multiple of M.
    Default strategy: replicated (EPLB-style).

    LOAD FORMATS (--format F; default: told from the file name and content):
      csv       layer,expert,load rows, experts 0..E-1 in every layer (.csv with that header)
      sglang    SGLang expert distribution record: JSON {"logical_count": [steps?][layers]
                [experts]} (.json with logical_count), or that array as .npy
      eplb      DeepSeek EPLB weight [layers][experts]: a headerless CSV matrix, JSON
                ([[...]] or {"weight": [[...]]}) or .npy
      npy       any .npy of shape (layers, experts) or (steps, layers, experts): int32,
                int64, float32, float64 or uint8, little-endian, C order
      trtllm    TensorRT-LLM expert statistic folder: meta_info.json + rank*.safetensors
                with tensors "{iter}_{layer}" (a folder, or its meta_info.json)
      megatron  JSON Lines {"iteration": i, "layer": l, "ep_rank": r, "tokens_per_expert":
                [...]} (.jsonl; ep_rank optional: rank r lists experts r*n..r*n+n-1)
      vllm      vLLM EPLB state: JSON {"expert_load_window": [window][layers][physical],
                "physical_to_logical_map": [layers][physical]} (.json with
                expert_load_window); folded onto logical experts
      moe-balance  moe-balance routing trace: JSON Lines {"layer": l, "batch_id": b,
                "topk_experts": [tokens][k]} (.jsonl naming topk_experts); each id counts one
                token (-1 none); --experts E gives the model's experts (default largest id+1)
    Steps, iterations and ranks are summed. Rows without layer ids are layers 0, 1, ...

    EXPORT (--export F --export-out PATH; written atomically, nothing on bad input):
      sglang    {"physical_to_logical_map": [layers][N]} for --init-expert-location
      eplb      {"phy2log", "log2phy", "logcnt"}: DeepSeek EPLB's three maps
      trtllm    moe_load_balancer.yaml: num_slots, initial_global_assignments
      vllm-ascend  {"moe_layer_count", "layer_list": [{"layer_id", "device_count",
                "device_list": [{"device_id", "device_expert"}]}]} for vLLM Ascend's
                --additional-config '{"expert_map_path": FILE}' (layer_id: MoE layers 0..)
    sglang and eplb have one row per model layer 0..last; a layer without loads gets
    SGLang's trivial layout (slot s holds expert s mod E).

    WORK BUDGET: layers x slots^2 at most 2^26 (4,096 slots for 4 layers, 1,024 for 64);
    above it place exits 64 unless given --allow-large.

    EXAMPLES:
      moesim place Scenarios/traces/example-trtllm-statistic --devices 4 --slots 20
      moesim place logical_count.json --devices 8 --slots 288 --nodes 2 --groups 8 \\
        --export sglang --export-out init_expert_location.json
    """,
  ]
}
