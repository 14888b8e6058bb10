using System.Net;
using System.Text;

namespace PrivateBox.Factory.Dashboard.Tests;

/// <summary>
/// Stands in for SwitchMonitor's GET /api/switch/status and Cdn's GET /cdn/status on a loopback port, serving
/// whatever JSON a test sets (null: 503), so the dashboard's line health reads real HTTP.
/// </summary>
public sealed class LineServices : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    public string Url { get; }
    public volatile string? SwitchStatus;
    public volatile string? CdnStatus;

    public LineServices()
    {
        var port = TestServers.FreePort();
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public static string Switch(string state, DateTimeOffset lastPoll) => $$"""
        {"switches":[{"switchId":"procurve-1","address":"127.0.0.1","state":"{{state}}","lastPollAt":"{{lastPoll:O}}","lastError":null,"ports":[]}]}
        """;

    public static string Cdn(bool ready, params (string Path, string State)[] required) =>
        $$"""{"ready":{{(ready ? "true" : "false")}},"required":[{{string.Join(",", required.Select(r => $$"""{"path":"{{r.Path}}","state":"{{r.State}}"}"""))}}]}""";

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            var body = context.Request.Url!.AbsolutePath switch
            {
                "/api/switch/status" => SwitchStatus,
                "/cdn/status" => CdnStatus,
                _ => null,
            };
            context.Response.StatusCode = body is null ? 503 : 200;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body ?? "{}");
            try
            {
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
            catch (HttpListenerException)
            {
                // The dashboard gave up on this answer (its health check timed out); serve the next one.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _loop;
        _listener.Close();
    }
}
