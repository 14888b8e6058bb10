using System.Net;

namespace PrivateBox.Factory.UnitApi.Tests;

public sealed class TwoStreamFactory : UnitApiFactory
{
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Dashboard:MaxLiveStreams", "2");
    }
}

/// <summary>Live dashboard streams hold a connection each: beyond the cap one more is refused, and a closed one frees its place.</summary>
public class LiveStreamLimitTests(TwoStreamFactory api) : IClassFixture<TwoStreamFactory>
{
    private const string Events = "/api/metrics/board/events";

    [Fact]
    public async Task Streams_beyond_the_cap_get_503_and_a_closed_stream_frees_its_place()
    {
        using var first = await OpenAsync();
        using var second = await OpenAsync();
        using var third = await OpenAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);

        first.Dispose();
        var again = HttpStatusCode.ServiceUnavailable;
        for (var i = 0; i < 50 && again != HttpStatusCode.OK; i++)
        {
            using var retry = await OpenAsync();
            again = retry.StatusCode;
            if (again != HttpStatusCode.OK) await Task.Delay(100);
        }
        Assert.Equal(HttpStatusCode.OK, again);
    }

    private async Task<HttpResponseMessage> OpenAsync() =>
        await new HttpClient { BaseAddress = api.Client().BaseAddress }.SendAsync(new HttpRequestMessage(HttpMethod.Get, Events), HttpCompletionOption.ResponseHeadersRead);
}
