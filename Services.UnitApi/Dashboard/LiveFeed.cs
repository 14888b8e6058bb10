namespace PrivateBox.Factory.Services.UnitApi.Dashboard;

/// <summary>
/// Server-sent events: "changed" whenever the board may differ, at most four times a second per browser, and a
/// comment every 15 s so proxies keep the stream open. Browsers then fetch /api/metrics/board. At most
/// <see cref="DashboardOptions.MaxLiveStreams"/> streams are open at once; one more is answered 503 (the page then
/// polls the board).
/// </summary>
public static class LiveFeed
{
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>How many streams are open (one per host).</summary>
    public sealed class Streams
    {
        internal int Open;
    }

    public static async Task StreamAsync(HttpContext http, DashboardSignal signal, Streams streams,
        Microsoft.Extensions.Options.IOptions<DashboardOptions> options, CancellationToken ct)
    {
        if (Interlocked.Increment(ref streams.Open) > options.Value.MaxLiveStreams)
        {
            Interlocked.Decrement(ref streams.Open);
            http.Response.Headers.RetryAfter = "30";
            await Results.Problem(statusCode: 503, title: "Too many live streams",
                detail: $"{options.Value.MaxLiveStreams} dashboards are already following the board; poll /api/metrics/board instead.").ExecuteAsync(http);
            return;
        }
        try
        {
            await FollowAsync(http, signal, ct);
        }
        finally
        {
            Interlocked.Decrement(ref streams.Open);
        }
    }

    private static async Task FollowAsync(HttpContext http, DashboardSignal signal, CancellationToken ct)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            await http.Response.WriteAsync("retry: 2000\n\n", ct);
            while (!ct.IsCancellationRequested)
            {
                var seen = signal.Version;
                await http.Response.WriteAsync($"event: changed\ndata: {seen}\n\n", ct);
                await http.Response.Body.FlushAsync(ct);
                await Task.Delay(Coalesce, ct);
                while (signal.Version == seen)
                {
                    var changed = signal.WaitForChangeAsync(seen, ct);
                    if (await Task.WhenAny(changed, Task.Delay(KeepAlive, ct)) == changed) break;
                    await http.Response.WriteAsync(": keep-alive\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser went away.
        }
    }
}
