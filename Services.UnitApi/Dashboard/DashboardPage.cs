using System.Reflection;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.Services.UnitApi.Data;

namespace PrivateBox.Factory.Services.UnitApi.Dashboard;

public static class DashboardPage
{
    /// <summary>Nothing but this suite: no inline script, no other origin, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>The factory dashboard at the gateway's root, its script and style, the board document and its live feed.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext http) => Page(http, Asset("dashboard.html"))).ExcludeFromDescription();
        app.MapGet("/dashboard/dashboard.js", (HttpContext http) => Page(http, Asset("dashboard.js"), "text/javascript; charset=utf-8")).ExcludeFromDescription();
        app.MapGet("/dashboard/dashboard.css", (HttpContext http) => Page(http, Asset("dashboard.css"), "text/css; charset=utf-8")).ExcludeFromDescription();
        app.MapGet("/api/metrics/board", (FactoryDb db, LineHealth health, IOptions<DashboardOptions> options, TimeProvider clock, CancellationToken ct) =>
            Board.LoadAsync(db, health, options, clock, ct));
        app.MapGet("/api/metrics/board/events", LiveFeed.StreamAsync);
        return app;
    }

    /// <summary>Security headers on every dashboard and metrics page.</summary>
    public static IResult Page(HttpContext http, string body, string contentType = "text/html; charset=utf-8")
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return TypedResults.Text(body, contentType);
    }

    private static readonly Dictionary<string, string> Assets = typeof(DashboardPage).Assembly.GetManifestResourceNames()
        .Where(n => n.Contains(".Dashboard.Assets.", StringComparison.Ordinal))
        .ToDictionary(n => n[(n.IndexOf(".Dashboard.Assets.", StringComparison.Ordinal) + 18)..], Read);

    private static string Asset(string name) => Assets[name];

    private static string Read(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)!;
        return new StreamReader(stream).ReadToEnd();
    }
}
