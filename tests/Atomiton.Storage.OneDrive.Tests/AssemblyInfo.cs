// The conformance kit's bounded-memory cases count the whole process's allocations, and the Graph
// emulator serves from this process: a fault or fidelity test running beside them is counted too (a
// quiet CI run measured 43 MB for an 8 MiB load that allocates under 18 MiB alone). One class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
