using PrivateBox.Factory.Contracts;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.Services.UnitApi.Data;
using PrivateBox.Factory.ServiceDefaults.Telemetry;

namespace PrivateBox.Factory.Services.UnitApi.Dashboard;

/// <summary>One line-health light: green, amber or red, with a short reason for the operator.</summary>
public record HealthLight(string Name, string Level, string Detail);

/// <summary>
/// Checks the line every few seconds in the background (switch, CDN, printers, RabbitMQ, PostgreSQL) so the page
/// never waits on a slow or missing service; a service that does not answer is red.
/// </summary>
public sealed class LineHealth(IHttpClientFactory http, IServiceScopeFactory scopes, HealthCheckService healthChecks,
    IOptions<DashboardOptions> options, TimeProvider clock, DashboardSignal signal, ILogger<LineHealth> logger) : BackgroundService
{
    public const string HttpClientName = "line-health";
    private volatile IReadOnlyList<HealthLight> _lights =
        [.. new[] { "Switch", "CDN", "Printer", "RabbitMQ", "PostgreSQL" }.Select(n => new HealthLight(n, "amber", "not checked yet"))];

    public IReadOnlyList<HealthLight> Lights => _lights;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HealthInterval);
        do
        {
            try
            {
                IReadOnlyList<HealthLight> lights;
                using (BackgroundWork.StartPoll("check line health")) lights = await CheckAsync(stoppingToken);
                if (!lights.SequenceEqual(_lights)) { _lights = lights; signal.Notify(); }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // A check that fails in a way nobody foresaw costs this round, never the Unit API.
                logger.LogError(ex, "Line health check failed; checking again in {Interval}", options.Value.HealthInterval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<IReadOnlyList<HealthLight>> CheckAsync(CancellationToken ct)
    {
        var checks = await Task.WhenAll(SwitchAsync(ct), CdnAsync(ct), PrinterAsync(ct), InfrastructureAsync(ct));
        return [checks[0][0], checks[1][0], checks[2][0], .. checks[3]];
    }

    private async Task<HealthLight[]> SwitchAsync(CancellationToken ct)
    {
        var report = await GetAsync<SwitchStatusResponse>(options.Value.SwitchMonitorUrl, "/api/switch/status", ct);
        if (report is null) return [new("Switch", "red", "switch monitor not answering")];
        if (report.Switches.Count == 0) return [new("Switch", "amber", "no switch configured")];
        var now = clock.GetUtcNow();
        var worst = report.Switches.Select(s => (s, level: s.State switch
        {
            "Healthy" when s.LastPollAt is { } at && now - at <= options.Value.SwitchPollStaleAfter => "green",
            "Unreachable" => "red",
            _ => "amber",
        })).OrderBy(x => Rank(x.level)).First();
        var poll = worst.s.LastPollAt is { } last ? $"last poll {Ago(now - last)} ago" : "never polled";
        return [new("Switch", worst.level, $"{worst.s.SwitchId}: {worst.s.State.ToLowerInvariant()}, {poll}")];
    }

    private async Task<HealthLight[]> CdnAsync(CancellationToken ct)
    {
        var status = await GetAsync<CdnStatus>(options.Value.CdnUrl, "/cdn/status", ct);
        if (status is null) return [new("CDN", "red", "CDN not answering")];
        var required = status.Required ?? [];
        var ok = required.Count(r => r.State == "ok");
        var bad = required.Count(r => r.State is "missing" or "checksum-mismatch");
        var level = bad > 0 ? "red" : status.Ready && ok == required.Count ? "green" : "amber";
        var detail = bad > 0 ? $"{ok}/{required.Count} assets verified, {bad} missing or corrupt" : $"{ok}/{required.Count} assets verified";
        return [new("CDN", level, detail)];
    }

    private async Task<HealthLight[]> PrinterAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var printers = await scope.ServiceProvider.GetRequiredService<FactoryDb>().Printers.AsNoTracking()
                .OrderBy(p => p.StationId).ToListAsync(ct);
            if (printers.Count == 0) return [new("Printer", "amber", "no label station has reported")];
            var worst = printers.Select(p => (p, level: p.State switch { "ready" => "green", "unreachable" or "error" => "red", _ => "amber" }))
                .OrderBy(x => Rank(x.level)).First();
            return [new("Printer", worst.level, $"{worst.p.StationId}: {worst.p.State}")];
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return [new("Printer", "red", "printer state unavailable")];
        }
    }

    private async Task<HealthLight[]> InfrastructureAsync(CancellationToken ct)
    {
        var report = await healthChecks.CheckHealthAsync(c => !c.Tags.Contains("live"), ct);
        HealthLight Light(string name, params string[] keys)
        {
            var entries = report.Entries.Where(e => keys.Any(k => e.Key.Contains(k, StringComparison.OrdinalIgnoreCase))).ToList();
            if (entries.Count == 0) return new(name, "amber", "no health check");
            var status = entries.Min(e => e.Value.Status);
            return new(name, status switch { HealthStatus.Healthy => "green", HealthStatus.Degraded => "amber", _ => "red" },
                status.ToString().ToLowerInvariant());
        }
        return [Light("RabbitMQ", "masstransit", "rabbit"), Light("PostgreSQL", "postgres", "npgsql", "factorydb")];
    }

    private async Task<T?> GetAsync<T>(string baseUrl, string path, CancellationToken ct) where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.HealthTimeout);
        try
        {
            return await http.CreateClient(HttpClientName).GetFromJsonAsync<T>(new Uri(new Uri(baseUrl), path), Json, timeout.Token);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogDebug(ex, "Line health: {Url}{Path} did not answer", baseUrl, path);
            return null;
        }
    }

    // The other services answer with ASP.NET Core's defaults (camelCase); enums may come as names or numbers.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static int Rank(string level) => level switch { "red" => 0, "amber" => 1, _ => 2 };

    private static string Ago(TimeSpan t) => t.TotalSeconds < 90 ? $"{Math.Max(0, (int)t.TotalSeconds)} s" : $"{(int)t.TotalMinutes} min";

    // Cdn's GET /cdn/status document.
    private sealed record CdnStatus([property: JsonPropertyName("ready")] bool Ready,
        [property: JsonPropertyName("required")] List<CdnAsset>? Required);
    private sealed record CdnAsset([property: JsonPropertyName("path")] string Path, [property: JsonPropertyName("state")] string State);
}
