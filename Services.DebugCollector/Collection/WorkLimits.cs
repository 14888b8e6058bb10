using Microsoft.Extensions.Options;

namespace PrivateBox.Factory.Services.DebugCollector.Collection;

/// <summary>
/// What the collector does at once, so a burst cannot use up memory or PostgreSQL's connections (which the Unit API
/// shares): SSH collections wait their turn (<see cref="DebugCollectorOptions.MaxConcurrentCollections"/>, each holds up
/// to MaxItemBytes per item and stream); uploads beyond <see cref="DebugCollectorOptions.MaxConcurrentUploads"/> (each
/// holds a database transaction while its body streams in) are answered 503 with Retry-After.
/// </summary>
public sealed class WorkLimits(IOptions<DebugCollectorOptions> options)
{
    public SemaphoreSlim Collections { get; } = new(Math.Max(1, options.Value.MaxConcurrentCollections));
    public SemaphoreSlim Uploads { get; } = new(Math.Max(1, options.Value.MaxConcurrentUploads));
}
