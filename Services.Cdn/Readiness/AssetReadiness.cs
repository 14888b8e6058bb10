using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.Services.Cdn.Assets;
using PrivateBox.Factory.Services.Cdn.Checksums;

namespace PrivateBox.Factory.Services.Cdn.Readiness;

/// <summary>Whether the assets a batch requires are present and match their pinned checksums.</summary>
public sealed class AssetReadiness(AssetCatalog catalog, ChecksumCache cache, IOptions<CdnOptions> options) : IHealthCheck
{
    /// <summary>The answer of GET /cdn/status; the dashboard reads it. State: ok, missing, checksum-mismatch or pending.</summary>
    public sealed record Status(bool Ready, IReadOnlyList<RequiredState> Required);

    public sealed record RequiredState(string Path, string State);

    public Status Evaluate()
    {
        var states = options.Value.Required.Select(r => new RequiredState(r.Path, StateOf(r))).ToList();
        return new Status(states.All(s => s.State == "ok"), states);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = Evaluate();
        return Task.FromResult(status.Ready
            ? HealthCheckResult.Healthy("Every required asset is present and verified.")
            : HealthCheckResult.Degraded("Not ready: " + string.Join(", ", status.Required.Where(r => r.State != "ok").Select(r => $"{r.Path} {r.State}"))));
    }

    private string StateOf(RequiredAsset required)
    {
        var location = catalog.Resolve(required.Path);
        if (location.Kind != AssetKind.File) return "missing";
        var info = new FileInfo(location.Real!);
        if (!info.Exists) return "missing";
        if (cache.Get(location.Real!, info.Length, info.LastWriteTimeUtc) is not { } digest) return "pending";
        var mismatch = (required.Sha256 is { Length: > 0 } sha && !sha.Equals(digest.Sha256, StringComparison.OrdinalIgnoreCase))
                       || (required.Md5 is { Length: > 0 } md5 && !md5.Equals(digest.Md5, StringComparison.OrdinalIgnoreCase));
        return mismatch ? "checksum-mismatch" : "ok";
    }
}
