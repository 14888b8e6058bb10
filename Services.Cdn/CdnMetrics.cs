using System.Diagnostics.Metrics;

namespace PrivateBox.Factory.Services.Cdn;

/// <summary>Per-asset download counters for the Aspire dashboard.</summary>
public sealed class CdnMetrics
{
    public const string MeterName = "PrivateBox.Factory.Cdn";
    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _uploads;

    public CdnMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _started = meter.CreateCounter<long>("cdn.downloads.started", description: "Downloads (full or ranged) that began sending the body");
        _completed = meter.CreateCounter<long>("cdn.downloads.completed", description: "Downloads whose every requested byte was sent");
        _bytes = meter.CreateCounter<long>("cdn.bytes_served", unit: "By", description: "Bytes of asset bodies sent");
        _uploads = meter.CreateCounter<long>("cdn.uploads", description: "Uploads by outcome");
    }

    public void DownloadStarted(string asset) => _started.Add(1, Tag(asset));
    public void DownloadCompleted(string asset) => _completed.Add(1, Tag(asset));
    public void BytesServed(string asset, long bytes) => _bytes.Add(bytes, Tag(asset));
    public void Upload(string outcome) => _uploads.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    private static KeyValuePair<string, object?> Tag(string asset) => new("asset", asset);
}
