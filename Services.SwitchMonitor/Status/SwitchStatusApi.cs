using Microsoft.AspNetCore.Http.HttpResults;
using PrivateBox.Factory.Services.SwitchMonitor.Monitoring;

namespace PrivateBox.Factory.Services.SwitchMonitor.Status;

public static class SwitchStatusApi
{
    /// <summary>Maps <c>GET /api/switch/status</c>: each switch's last poll and every port's link, role and MACs.</summary>
    public static void MapSwitchStatusApi(this WebApplication app) =>
        app.MapGroup("/api/switch").MapGet("/status", Ok<SwitchStatusResponse> (SwitchWatchers watchers) =>
            TypedResults.Ok(new SwitchStatusResponse { Switches = watchers.All.Select(w => w.Status()).ToList() }));
}
