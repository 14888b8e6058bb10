namespace PrivateBox.Factory.Services.UnitApi.Dashboard;

public static class DashboardPage
{
    /// <summary>The factory dashboard at the gateway's root: for now the current builds, refreshed every 5 s.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => TypedResults.Content(Html, "text/html; charset=utf-8")).ExcludeFromDescription();
        return app;
    }

    private const string Html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>PrivateBox Factory</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
          body { font-family: system-ui, sans-serif; margin: 2rem; background: #111; color: #eee; }
          table { border-collapse: collapse; width: 100%; font-size: 1.2rem; }
          th, td { text-align: left; padding: .4rem .8rem; border-bottom: 1px solid #333; }
          .ready { color: #6c6; } .failed, .stuck { color: #f66; font-weight: bold; } .building { color: #fc6; }
        </style></head>
        <body><h1>PrivateBox Factory</h1>
        <p id="summary">Loading…</p>
        <table><thead><tr><th>MAC</th><th>Status</th><th>Stage</th><th>Last heartbeat</th><th>Failed tests</th></tr></thead>
        <tbody id="units"></tbody></table>
        <script>
          const text = s => s == null ? "" : String(s);
          async function refresh() {
            const units = await (await fetch("/api/units")).json();
            const rows = units.map(u => {
              const tr = document.createElement("tr");
              for (const [v, cls] of [[u.mac], [u.status, u.status], [u.stage], [u.last_heartbeat_at], [(u.failed_tests || []).join(", ")]]) {
                const td = document.createElement("td"); td.textContent = text(v); if (cls) td.className = cls; tr.append(td);
              }
              return tr;
            });
            document.getElementById("units").replaceChildren(...rows);
            const count = s => units.filter(u => u.status === s).length;
            document.getElementById("summary").textContent =
              `Building: ${count("building")} · Ready for labeling: ${count("ready")} · Failed: ${count("failed")} · Stuck: ${count("stuck")}`;
          }
          refresh(); setInterval(refresh, 5000);
        </script></body></html>
        """;
}
