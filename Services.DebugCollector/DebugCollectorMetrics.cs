using System.Diagnostics.Metrics;
using PrivateBox.Factory.Services.DebugCollector.Collection;

namespace PrivateBox.Factory.Services.DebugCollector;

/// <summary>Counters for the Aspire dashboard: bundles stored by source and completeness, collected items by outcome.</summary>
public sealed class DebugCollectorMetrics
{
    public const string MeterName = "PrivateBox.Factory.DebugCollector";
    private readonly Counter<long> _bundles;
    private readonly Counter<long> _items;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _expired;

    public DebugCollectorMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _bundles = meter.CreateCounter<long>("factory.debug_bundles", description: "Debug bundles stored, by source and completeness");
        _items = meter.CreateCounter<long>("factory.debug_items", description: "Collected items, by outcome (ok, failed, timed_out)");
        _refused = meter.CreateCounter<long>("factory.debug_host_keys_refused", description: "Connections refused for a changed host key");
        _expired = meter.CreateCounter<long>("factory.debug_bundles_expired", description: "Debug bundles deleted after DebugCollector:RetainFor");
        _duration = meter.CreateHistogram<double>("factory.debug_collection_duration", unit: "s", description: "Time to collect a bundle, retries included");
    }

    public void BundleStored(string source, bool complete) =>
        _bundles.Add(1, new("source", source), new("complete", complete));

    public void BundlesExpired(int count) => _expired.Add(count);

    public void Collected(IEnumerable<ItemResult> items, TimeSpan duration, bool hostKeyRefused)
    {
        foreach (var item in items)
            _items.Add(1, new KeyValuePair<string, object?>("outcome", item.TimedOut ? "timed_out" : item.Succeeded ? "ok" : "failed"));
        if (hostKeyRefused) _refused.Add(1);
        _duration.Record(duration.TotalSeconds);
    }
}
