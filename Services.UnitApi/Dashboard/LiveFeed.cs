namespace PrivateBox.Factory.Services.UnitApi.Dashboard;

/// <summary>
/// Server-sent events: "changed" whenever the board may differ, at most four times a second per browser, and a
/// comment every 15 s so proxies keep the stream open. Browsers then fetch /api/metrics/board.
/// </summary>
public static class LiveFeed
{
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task StreamAsync(HttpContext http, DashboardSignal signal, CancellationToken ct)
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
