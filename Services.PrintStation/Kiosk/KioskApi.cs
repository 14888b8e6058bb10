using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.Services.PrintStation.Station;

namespace PrivateBox.Factory.Services.PrintStation.Kiosk;

/// <summary>The operator's kiosk: the page, its live state (server-sent events), answers and the label preview.</summary>
public static class KioskApi
{
    public static IEndpointRouteBuilder MapKiosk(this IEndpointRouteBuilder app)
    {
        var kiosk = app.MapGroup("/kiosk").AddEndpointFilter(LocalOnly);
        kiosk.MapGet("/state", (LabelStation station) => TypedResults.Ok(station.View()));
        kiosk.MapGet("/events", (LabelStation station, CancellationToken ct) => TypedResults.ServerSentEvents(Updates(station, ct), "state"));
        kiosk.MapPost("/answer/{answer}", Answer);
        kiosk.MapGet("/preview.png", Preview);
        app.MapGet("/", () => Results.Redirect("/kiosk/index.html")).AddEndpointFilter(LocalOnly);
        return app;
    }

    private static Results<Ok<StationView>, ProblemHttpResult> Answer(string answer, string? phase, LabelStation station) =>
        station.Answer(answer.ToLowerInvariant(), phase)
            ? TypedResults.Ok(station.View())
            : TypedResults.Problem(statusCode: 409, title: "Not now", detail: $"\"{answer}\" does not apply in the current step.");

    private static IResult Preview(LabelStation station, HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        return station.Preview() is { } png ? TypedResults.File(png, "image/png") : TypedResults.NotFound();
    }

    private static async IAsyncEnumerable<StationView> Updates(LabelStation station, [EnumeratorCancellation] CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var (view, changed) = station.Watch();
            yield return view;
            try
            {
                await changed.WaitAsync(TimeSpan.FromSeconds(15), ct);
            }
            catch (TimeoutException)
            {
                // A periodic repeat keeps idle connections alive through proxies.
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    /// <summary>The kiosk shows passwords: only browsers on the station itself, unless configured otherwise.</summary>
    private static async ValueTask<object?> LocalOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var remote = http.Connection.RemoteIpAddress;
        var allowed = remote is null || IPAddress.IsLoopback(remote)
            || http.RequestServices.GetRequiredService<IOptions<PrintStationOptions>>().Value.AllowRemoteKiosk;
        return allowed
            ? await next(context)
            : TypedResults.Problem(statusCode: 403, detail: "The kiosk answers only on the print station itself.");
    }
}
