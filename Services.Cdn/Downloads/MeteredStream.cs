namespace PrivateBox.Factory.Services.Cdn.Downloads;

/// <summary>
/// The open asset file as the file result reads it: counts bytes served, and on dispose reports the download
/// complete when every byte the response promised was read and the client did not go away.
/// </summary>
internal sealed class MeteredStream(FileStream inner, string asset, HttpContext http, CdnMetrics metrics) : Stream
{
    private const long ReportEvery = 8 << 20;
    private long _read;
    private long _unreported;
    private bool _started;
    private bool _disposed;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        if (!_started)
        {
            _started = true;
            metrics.DownloadStarted(asset);
        }
        _read += read;
        _unreported += read;
        if (_unreported >= ReportEvery) Report();
        return read;
    }

    private void Report()
    {
        if (_unreported > 0) metrics.BytesServed(asset, _unreported);
        _unreported = 0;
    }

    protected override void Dispose(bool disposing)
    {
        // The file result disposes asynchronously, then again synchronously; report and close once.
        if (disposing && !_disposed)
        {
            _disposed = true;
            Report();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>
    /// The file result awaits this once the body is written. The download is complete when every promised byte
    /// was read and the connection still takes data. Kestrel cancels RequestAborted later, on the thread pool,
    /// but once the client is gone a flush answers "completed" at once.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        if (!_disposed && _started && _read == http.Response.ContentLength)
        {
            var flush = await http.Response.BodyWriter.FlushAsync();
            if (!flush.IsCompleted && !flush.IsCanceled && !http.RequestAborted.IsCancellationRequested)
                metrics.DownloadCompleted(asset);
        }
        Dispose(true);
        GC.SuppressFinalize(this);
    }
}
