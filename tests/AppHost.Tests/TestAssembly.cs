// Each test class starts the whole suite, and the simulated switch has fixed development ports:
// one suite at a time (it also keeps a 2-core machine within the start timeout).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
