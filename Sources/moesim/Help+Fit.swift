extension Help {
  static let fitHelp = """
    USAGE: moesim fit TRACE [--out SCENARIO.json5] [--model SCENARIO] [options]

    Estimates the knobs of MoESim's synthetic token model from a recorded routing trace and
    writes a scenario that reproduces the trace's routing statistics, so it can then be run at
    another size (more tokens, steps, devices, another placement). TRACE is what
    workload.kind = "trace" replays: a decisions CSV (step,layer,token,expert[,gate,kept,
    final_gate], as `moesim export-trace` writes), a logits CSV, or a vLLM / SGLang per-token record (.npy,
    .json; see Scenarios/traces/README.md).

    What is inferred, what must be given:
      from a CSV trace      steps, tokens per step, the MoE layers (the blocks it names; the
                            others dense), experts (highest id + 1) and, for decisions, top_k
                            (most experts of any token)
      --model SCENARIO      the model, router (kind, gates, capacity) and workload (sequence
                            length, domains, noise, seed) to fit within; required for a logits
                            trace and for .npy / .json records (which do not say the tokens
                            per step: the scenario's workload.tokens_per_step and steps are
                            used). Without it: softmax_topk, dropless, sequences of 512
                            tokens, 8 equal domains, placeholder sizes (hidden_size 1024 ...)
                            that only params and memory read
      --set KEY=VALUE       anything the trace cannot tell, e.g. the sequences its tokens
                            form: --set workload.sequence_length=2048 (tokens are consecutive
                            runs of it; 1 for decode steps, where no two tokens of a step
                            share a sequence)

    How: the trace is replayed and measured; then each knob in turn is searched (Illinois
    regula falsi over its range, at most 8 short simulations of the trace's shape with the
    scenario's seed) until the simulated statistic equals the trace's; the cycle repeats
    --rounds times, as each statistic also moves a little with the other knobs:
      router.bias_spread            0…4  run_load_cv: CV of the per-expert loads summed over
                                          the run (persistent popularity)
      workload.domain_offset_scale  0…4  step_load_cv: mean per-step load CV (batch-to-batch
                                          variation; needs ≥ 2 domains and ≥ 4 steps; only
                                          with --knobs: in short traces it is confounded
                                          with popularity)
      workload.context_scale        0…4  top1_repeat_rate: consecutive tokens of a sequence
                                          with the same first-choice expert
      workload.layer_persistence    0…1  cross_layer_affinity: I(e_l; e_l+1) / H(e_l+1), the
                                          share of the next MoE layer's first-choice entropy
                                          this layer's first choice explains
    The knobs not fitted keep the base's values (give them with --set when known).
    Statistics are means over the MoE layers; knobs hold for every layer, so per-layer
    differences remain (fit.csv lists them). --per-layer-skew fits the popularity skew layer
    by layer instead: router.bias_spread_by_layer, one spread per MoE layer matched to that
    layer's run_load_cv (10 bisection steps of 0…4, all layers at once; bias_spread is then
    their mean). A knob that the trace cannot show (one domain,
    no consecutive tokens, one MoE layer) keeps the base value and the report says why.
    Method and its limits: Fit.md in the documentation catalog.

    Output: SCENARIO.json5 (default ./fit-<trace name>.json5; written atomically) opens with a
    comment naming the trace, each knob's value and the statistic it matched (trace and
    fitted value), then the whole resolved scenario. Standard output: the knobs and the
    goodness of fit (statistic, trace, fitted, difference). With --csv also fit.csv next to
    it: statistic,layer,trace,fitted,difference,knob, the pooled rows (layer empty) then each
    MoE layer.

    OPTIONS:
      --out FILE            The scenario to write (default: fit-<trace name>.json5)
      --model SCENARIO      The model, router and workload to fit within (see above)
      --knobs LIST          Knobs to fit, comma-separated (default: bias_spread,
                            context_scale, layer_persistence; names as above, or without
                            the prefix)
      --rounds N            Cycles over the knobs, 1…10 (default 2)
      --per-layer-skew      Fit router.bias_spread per MoE layer (bias_spread_by_layer)
      --csv                 Also write fit.csv next to the scenario
    \(scenarioOptions)
      --threads N           Worker threads (default: all cores); the result does not depend on it

    EXAMPLES:
      moesim export-trace Scenarios/quickstart.json5 --out /tmp/t.csv
      moesim fit /tmp/t.csv --out /tmp/fit.json5 --set workload.sequence_length=512 --csv
      moesim run /tmp/fit.json5 --set workload.tokens_per_step=65536
      moesim fit routed.npy --model Scenarios/mixtral-8x7b.json5 --out mixtral-fit.json5

    EXIT STATUS: 0 ok, 64 bad command line or --set, 65 bad trace or scenario (naming the file
                 and line or key; also a trace too short to fit: fewer than 64 assignments per
                 expert per MoE layer), 66 missing trace or scenario, 73/74 cannot write
    """
}
