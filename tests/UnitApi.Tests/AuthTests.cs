using System.Net;

namespace PrivateBox.Factory.UnitApi.Tests;

public class AuthTests(UnitApiFactory api) : IClassFixture<UnitApiFactory>
{
    [Fact]
    public async Task Heartbeat_without_the_factory_token_is_401()
    {
        var response = await api.Client().PostJson("/api/heartbeat", TestUnits.Heartbeat(TestUnits.NewMac()));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Report_with_a_wrong_token_is_401_and_stores_nothing()
    {
        var mac = TestUnits.NewMac();
        var response = await api.Client("guess").PostJson("/api/units", TestUnits.Ready(mac));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client().GetAsync($"/api/units/{mac}")).StatusCode);
    }

    [Fact]
    public async Task Labeling_with_the_factory_token_is_403()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac));

        var response = await api.Unit().DeleteAsync($"/api/units/{mac}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("ready", (await (await api.Client().GetAsync($"/api/units/{mac}")).Json()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Reading_with_a_wrong_key_is_401()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/units", TestUnits.Ready(mac));

        var response = await api.Client("dev-station-kez").GetAsync($"/api/units/{mac}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

public class RateLimitedUnitApiFactory : UnitApiFactory
{
    protected override int RateLimitPermits => 3;
}

public class RateLimitTests(RateLimitedUnitApiFactory api) : IClassFixture<RateLimitedUnitApiFactory>
{
    [Fact]
    public async Task A_flooding_client_gets_429_with_retry_after()
    {
        var mac = TestUnits.NewMac();
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++) responses.Add(await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac)));

        var limited = responses.Last();
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
    }
}
