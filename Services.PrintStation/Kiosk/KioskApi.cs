using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PrivateBox.Factory.Services.PrintStation.Station;

namespace PrivateBox.Factory.Services.PrintStation.Kiosk;

/// <summary>
/// The operator's kiosk: the page, its live state (server-sent events), answers and the label preview. A browser on the
/// station itself uses it as it is; one elsewhere on the LAN only when PrintStation:AllowRemoteKiosk is set, after
/// signing in with the station's PIN (<see cref="KioskSessions"/>), answering only from the kiosk's own page, and it
/// sees the preview with the passwords masked (the printed label carries them).
/// </summary>
public static class KioskApi
{
    public static IEndpointRouteBuilder MapKiosk(this IEndpointRouteBuilder app)
    {
        app.MapPost("/kiosk/login", Login);
        var kiosk = app.MapGroup("/kiosk").AddEndpointFilter(Guard);
        kiosk.MapGet("/state", (LabelStation station) => TypedResults.Ok(station.View()));
        kiosk.MapGet("/events", (LabelStation station, CancellationToken ct) => TypedResults.ServerSentEvents(Updates(station, ct), "state"));
        kiosk.MapPost("/answer/{answer}", Answer);
        kiosk.MapGet("/preview.png", Preview);
        app.MapGet("/", () => Results.Redirect("/kiosk/index.html"));
        return app;
    }

    public sealed record SignIn(string? Pin);

    private static IResult Login(SignIn body, HttpContext http, KioskSessions sessions, IOptions<PrintStationOptions> options)
    {
        if (IsLocal(http)) return TypedResults.NoContent();
        if (!options.Value.AllowRemoteKiosk) return RemoteRefused();
        if (!IsSameOrigin(http)) return NotFromKiosk();
        var (outcome, token) = sessions.SignIn(body.Pin);
        switch (outcome)
        {
            case KioskSessions.Outcome.LockedOut:
                http.Response.Headers.RetryAfter = "60";
                return TypedResults.Problem(statusCode: 429, title: "Too many wrong PINs", detail: "Sign-in is locked for a minute.");
            case KioskSessions.Outcome.WrongPin:
                return TypedResults.Problem(statusCode: 401, title: "Wrong PIN", detail: "That is not the station's PIN.");
        }
        http.Response.Cookies.Append(KioskSessions.Cookie, token!, new CookieOptions
        {
            HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Strict, Path = "/kiosk", MaxAge = KioskSessions.Lifetime,
        });
        return TypedResults.NoContent();
    }

    private static Results<Ok<StationView>, ProblemHttpResult> Answer(string answer, string? phase, LabelStation station) =>
        station.Answer(answer.ToLowerInvariant(), phase)
            ? TypedResults.Ok(station.View())
            : TypedResults.Problem(statusCode: 409, title: "Not now", detail: $"\"{answer}\" does not apply in the current step.");

    private static IResult Preview(LabelStation station, HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        return station.Preview(masked: !IsLocal(http)) is { } png ? TypedResults.File(png, "image/png") : TypedResults.NotFound();
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

    private static async ValueTask<object?> Guard(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (IsLocal(http)) return await next(context);
        if (!http.RequestServices.GetRequiredService<IOptions<PrintStationOptions>>().Value.AllowRemoteKiosk) return RemoteRefused();
        if (!http.RequestServices.GetRequiredService<KioskSessions>().IsValid(http.Request.Cookies[KioskSessions.Cookie]))
            return TypedResults.Problem(statusCode: 401, title: "Sign in", detail: "Sign in with the station's PIN.");
        if (HttpMethods.IsPost(http.Request.Method) && !IsSameOrigin(http)) return NotFromKiosk();
        return await next(context);
    }

    private static bool IsLocal(HttpContext http) => http.Connection.RemoteIpAddress is not { } remote || IPAddress.IsLoopback(remote);

    // A browser sends Origin with every POST it makes; another site's page cannot make it name this station.
    private static bool IsSameOrigin(HttpContext http) =>
        http.Request.Headers.Origin.ToString() == $"{http.Request.Scheme}://{http.Request.Host}";

    private static IResult RemoteRefused() =>
        TypedResults.Problem(statusCode: 403, detail: "The kiosk answers only on the print station itself.");

    private static IResult NotFromKiosk() =>
        TypedResults.Problem(statusCode: 403, detail: "Answers are taken only from the kiosk's own page.");
}
