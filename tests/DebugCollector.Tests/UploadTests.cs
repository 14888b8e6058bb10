using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace PrivateBox.Factory.DebugCollector.Tests;

[Collection(nameof(Suite))]
public class UploadTests(Suite suite)
{
    private const string PrivateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nAAAAMwAAAAtzc2gtZWQyNTUxOQ\n-----END OPENSSH PRIVATE KEY-----\n";

    [Fact]
    public async Task Uploads_beyond_the_cap_are_answered_503_while_the_others_stream_in()
    {
        var cap = new PrivateBox.Factory.Services.DebugCollector.DebugCollectorOptions().MaxConcurrentUploads;
        var address = suite.Client(null).BaseAddress!;
        var slow = new List<System.Net.Sockets.TcpClient>();
        for (var i = 0; i < cap; i++)
        {
            // An upload on a slow link: the headers and a gzip header arrive, then nothing.
            var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync(address.Host, address.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /api/debug-logs?mac={TestUnits.NewMac()} HTTP/1.1\r\nHost: {address.Authority}\r\n"
                + $"Authorization: Bearer {Suite.FactoryToken}\r\nContent-Type: application/gzip\r\nContent-Length: 100000\r\n\r\n"));
            await stream.WriteAsync(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff });
            slow.Add(tcp);
        }

        var limits = suite.Collector.Services.GetRequiredService<PrivateBox.Factory.Services.DebugCollector.Collection.WorkLimits>();
        for (var i = 0; i < 100 && limits.Uploads.CurrentCount > 0; i++) await Task.Delay(50);
        Assert.True(limits.Uploads.CurrentCount == 0, $"{limits.Uploads.CurrentCount} upload places still free");
        var refused = await suite.Client(Suite.FactoryToken).PostAsJsonAsync("/api/debug-logs",
            new { mac = "02:00:00:00:99:01", entries = new Dictionary<string, string> { ["a.log"] = "x" } });
        foreach (var tcp in slow) tcp.Dispose();
        HttpResponseMessage after = null!;
        for (var i = 0; i < 50 && (after = await suite.Client(Suite.FactoryToken).PostAsJsonAsync("/api/debug-logs",
                 new { mac = "02:00:00:00:99:02", entries = new Dictionary<string, string> { ["a.log"] = "x" } })).StatusCode != HttpStatusCode.Created; i++)
            await Task.Delay(100);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
    }

    [Fact]
    public async Task An_archive_cut_short_is_refused_with_problem_details()
    {
        using var content = new ByteArrayContent([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");

        var response = await suite.Client(Suite.FactoryToken).PostAsync($"/api/debug-logs?mac={TestUnits.NewMac()}", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Json_entries_are_stored_redacted_listed_and_downloaded_as_targz()
    {
        var mac = TestUnits.NewMac();
        await suite.ReadyAsync(mac);
        var body = new
        {
            mac = mac.ToUpperInvariant().Replace(':', '-'),
            entries = new Dictionary<string, string>
            {
                ["bootstrap.log"] = $"step 1 ok\nadmin is {TestUnits.AdminPassword}\nDB_PASSWORD=hunter22 rest\n",
                ["keys/id.txt"] = "before\n" + PrivateKey + "after\n",
            },
        };

        var upload = await suite.Client(Suite.FactoryToken).PostAsJsonAsync("/api/debug-logs", body);

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var id = (await upload.Json()).GetProperty("id").GetGuid();
        var list = await (await suite.Client(Suite.DebugKey).GetAsync($"/api/debug-logs?mac={mac}")).Json();
        Assert.Equal(id, list[0].GetProperty("id").GetGuid());
        Assert.Equal("upload", list[0].GetProperty("source").GetString());
        var files = await suite.DownloadAsync(id);
        Assert.Equal("step 1 ok\nadmin is [REDACTED]\nDB_PASSWORD=[REDACTED] rest\n", files["bootstrap.log"]);
        Assert.StartsWith("before\n-----BEGIN OPENSSH PRIVATE KEY-----[REDACTED]\n", files["keys/id.txt"]);
        Assert.DoesNotContain("b3BlbnNzaC1rZXktdjEAAAAABG5vbmU", files["keys/id.txt"]);
        Assert.EndsWith("-----END OPENSSH PRIVATE KEY-----\nafter\n", files["keys/id.txt"]);
        Assert.Equal(mac, (await suite.StoredFor(mac, TimeSpan.FromSeconds(20))).Mac);
    }

    [Fact]
    public async Task Targz_upload_keeps_every_file_and_strips_unsafe_paths()
    {
        var mac = TestUnits.NewMac();
        var archive = Bundles.TarGz(
            ("var/log/privatebox-guest-setup.log", Encoding.UTF8.GetBytes("guest ok\npassword: s3cret-value\n")),
            ("../../etc/evil", "x"u8.ToArray()));

        var upload = await suite.Client(Suite.FactoryToken).PostAsync($"/api/debug-logs?mac={mac}", Gzip(archive));

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var files = await suite.DownloadAsync((await upload.Json()).GetProperty("id").GetGuid());
        Assert.Equal("guest ok\npassword: [REDACTED]\n", files["var/log/privatebox-guest-setup.log"]);
        Assert.Equal("x", files["etc/evil"]);
    }

    [Fact]
    public async Task Upload_beyond_the_limit_is_413_and_stores_nothing()
    {
        var mac = TestUnits.NewMac();
        var big = new byte[Suite.MaxBundleBytes + 1];
        Random.Shared.NextBytes(big);
        var chunked = new StreamContent(new MemoryStream(big));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");

        var declared = await suite.Client(Suite.FactoryToken).PostAsync($"/api/debug-logs?mac={mac}", Gzip(big));
        var streamed = await suite.Client(Suite.FactoryToken).SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/debug-logs?mac={mac}")
        {
            Content = chunked, Headers = { TransferEncodingChunked = true },
        });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Equal("application/problem+json", streamed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0L, await suite.CountAsync("SELECT count(*) FROM debug.bundles WHERE mac = $1", mac));
    }

    [Fact]
    public async Task Archive_expanding_beyond_its_limit_is_413_and_stores_nothing()
    {
        var mac = TestUnits.NewMac();
        var archive = Bundles.TarGz(("zeros.log", new byte[5 * Suite.MaxBundleBytes]));

        var upload = await suite.Client(Suite.FactoryToken).PostAsync($"/api/debug-logs?mac={mac}", Gzip(archive));

        Assert.True(archive.Length < Suite.MaxBundleBytes);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, upload.StatusCode);
        Assert.Equal(0L, await suite.CountAsync("SELECT count(*) FROM debug.bundle_chunks c LEFT JOIN debug.bundles b ON b.id = c.bundle_id WHERE b.id IS NULL"));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(Suite.FactoryToken, HttpStatusCode.Forbidden)]
    [InlineData(Suite.DebugKey, HttpStatusCode.OK)]
    [InlineData(Suite.AdminKey, HttpStatusCode.Forbidden)]
    [InlineData("dev-label-key", HttpStatusCode.Unauthorized)] // the collector does not hold the label key
    public async Task Listing_bundles_takes_the_debug_key_alone(string? bearer, HttpStatusCode expected)
    {
        var response = await suite.Client(bearer).GetAsync("/api/debug-logs");

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"mac\": \"not-a-mac\", \"entries\": {\"a\": \"b\"}}", "mac")]
    [InlineData("{\"entries\": {\"a\": \"b\"}}", "mac")]
    [InlineData("{\"mac\": \"02:00:00:00:00:01\", \"entries\": {\"a\": 5}}", "body")]
    [InlineData("{\"mac\": \"02:00:00:00:00:01\", \"entries\": {\"a\": \"b\"", "body")]
    [InlineData("{\"mac\": \"02:00:00:00:00:01\"}", "entries")]
    public async Task Bad_json_uploads_get_problem_details_naming_the_field(string json, string field)
    {
        var response = await suite.Client(Suite.FactoryToken).PostAsync("/api/debug-logs", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Json()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Unknown_bundle_is_404()
    {
        var response = await suite.Client(Suite.DebugKey).GetAsync($"/api/debug-logs/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static ByteArrayContent Gzip(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        return content;
    }
}
