using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace PrivateBox.Factory.PrintStation.Tests;

/// <summary>
/// A kiosk browser elsewhere on the LAN: it signs in with the station's PIN and answers only from the kiosk's page.
/// The station runs on loopback; a request carrying X-Test-Remote is treated as coming from that LAN address.
/// </summary>
public sealed class RemoteKioskTests : IAsyncLifetime
{
    private const string Pin = "482916";
    private StationHost _station = null!;
    private string _url = "";

    public Task InitializeAsync()
    {
        _station = new StationHost(new Dictionary<string, string?>
        {
            ["PrintStation:StationId"] = $"remote-{Guid.NewGuid():N}"[..16],
            ["PrintStation:SwitchId"] = $"none-{Guid.NewGuid():N}",
            ["PrintStation:AllowRemoteKiosk"] = "true",
            ["PrintStation:KioskPin"] = Pin,
        }, services => services.AddSingleton<IStartupFilter, RemoteAddressFromHeader>());
        _url = _station.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _station.DisposeAsync();

    [Fact]
    public async Task A_remote_browser_must_sign_in_and_answer_from_the_kiosk_page()
    {
        var handler = new HttpClientHandler { UseCookies = true };
        using var remote = new HttpClient(handler) { BaseAddress = new Uri(_url) };
        remote.DefaultRequestHeaders.Add("X-Test-Remote", "192.168.100.31");

        var before = await remote.GetAsync("/kiosk/state");
        var wrong = await Post(remote, "/kiosk/login", new { pin = "000000" });
        var foreign = await Post(remote, "/kiosk/login", new { pin = Pin }, fromKiosk: false);
        var signedIn = await Post(remote, "/kiosk/login", new { pin = Pin });
        var after = await remote.GetAsync("/kiosk/state");
        var crossSite = await Post(remote, "/kiosk/answer/yes?phase=ask-print", null, fromKiosk: false);
        var fromPage = await Post(remote, "/kiosk/answer/yes?phase=ask-print", null);

        Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie.ToLowerInvariant());
        Assert.Contains("samesite=strict", cookie.ToLowerInvariant());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, fromPage.StatusCode); // signed in and same-origin: the station itself answers
    }

    [Fact]
    public async Task Five_wrong_pins_lock_sign_in_for_a_minute()
    {
        using var remote = new HttpClient { BaseAddress = new Uri(_url) };
        remote.DefaultRequestHeaders.Add("X-Test-Remote", "192.168.100.32");

        for (var i = 0; i < 5; i++) await Post(remote, "/kiosk/login", new { pin = $"11111{i}" });
        var locked = await Post(remote, "/kiosk/login", new { pin = Pin });

        Assert.Equal((HttpStatusCode)429, locked.StatusCode);
        Assert.True(locked.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task The_station_itself_needs_no_sign_in()
    {
        using var local = new HttpClient { BaseAddress = new Uri(_url) };

        Assert.Equal(HttpStatusCode.OK, (await local.GetAsync("/kiosk/state")).StatusCode);
    }

    /// <summary>A POST as the kiosk page makes it (with its Origin) or as another site's page would.</summary>
    private Task<HttpResponseMessage> Post(HttpClient client, string path, object? body, bool fromKiosk = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("Origin", fromKiosk ? _url.TrimEnd('/') : "https://elsewhere.example");
        return client.SendAsync(request);
    }

    /// <summary>Test plumbing: a request's X-Test-Remote header stands for the LAN address it would come from.</summary>
    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue("X-Test-Remote", out var address))
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
