using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace PrivateBox.Factory.Cdn.Tests;

/// <summary>Downloads through the gateway: full, each range form, conditionals and a resumed download.</summary>
[Collection(CdnCollection.Name)]
public sealed class DownloadTests(CdnSuite suite) : IAsyncLifetime
{
    private const string Asset = "images/download-test.qcow2";
    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(1_000_000);

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(suite.Root, Asset))) await suite.WriteAssetAsync(Asset, Content);
        await suite.WaitForChecksumAsync(Asset, Content);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_full_download_has_length_type_validators_and_the_representation_digest()
    {
        using var client = suite.Client();

        var response = await client.GetAsync($"/cdn/{Asset}");
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Content, body);
        Assert.Equal(Content.Length, response.Content.Headers.ContentLength);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bytes", Assert.Single(response.Headers.AcceptRanges));
        Assert.NotNull(response.Headers.ETag);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal($"sha-256=:{Convert.ToBase64String(SHA256.HashData(Content))}:", Assert.Single(response.Headers.GetValues("Repr-Digest")));
    }

    [Fact]
    public async Task Head_answers_the_headers_of_get_without_a_body()
    {
        using var client = suite.Client();

        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/cdn/{Asset}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Content.Length, response.Content.Headers.ContentLength);
        Assert.True(response.Headers.Contains("Repr-Digest"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("bytes=0-99", 0, 100)]
    [InlineData("bytes=400000-400999", 400_000, 1000)]
    [InlineData("bytes=-500", 999_500, 500)]
    [InlineData("bytes=999000-", 999_000, 1000)]
    public async Task Each_range_form_answers_206_with_exactly_those_bytes(string range, int offset, int length)
    {
        using var client = suite.Client();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/cdn/{Asset}");
        request.Headers.TryAddWithoutValidation("Range", range);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(Content.AsSpan(offset, length).ToArray(), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(new ContentRangeHeaderValue(offset, offset + length - 1, Content.Length), response.Content.Headers.ContentRange);
    }

    [Fact]
    public async Task An_unsatisfiable_range_answers_416_with_the_size()
    {
        using var client = suite.Client();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/cdn/{Asset}");
        request.Headers.Range = new RangeHeaderValue(Content.Length, null);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal(Content.Length, response.Content.Headers.ContentRange?.Length);
    }

    [Fact]
    public async Task Conditional_requests_answer_304_and_if_range_falls_back_to_the_full_file_when_stale()
    {
        using var client = suite.Client();
        var first = await client.GetAsync($"/cdn/{Asset}", HttpCompletionOption.ResponseHeadersRead);
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;
        first.Dispose();

        var byEtag = new HttpRequestMessage(HttpMethod.Get, $"/cdn/{Asset}");
        byEtag.Headers.IfNoneMatch.Add(etag);
        var byDate = new HttpRequestMessage(HttpMethod.Get, $"/cdn/{Asset}");
        byDate.Headers.IfModifiedSince = lastModified;
        var rangeCurrent = new HttpRequestMessage(HttpMethod.Get, $"/cdn/{Asset}");
        rangeCurrent.Headers.Range = new RangeHeaderValue(0, 9);
        rangeCurrent.Headers.IfRange = new RangeConditionHeaderValue(etag);
        var rangeStale = new HttpRequestMessage(HttpMethod.Get, $"/cdn/{Asset}");
        rangeStale.Headers.Range = new RangeHeaderValue(0, 9);
        rangeStale.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"an-older-version\""));

        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(byEtag)).StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(byDate)).StatusCode);
        Assert.Equal(HttpStatusCode.PartialContent, (await client.SendAsync(rangeCurrent)).StatusCode);
        var stale = await client.SendAsync(rangeStale);
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(Content, await stale.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_interrupted_download_resumed_with_range_equals_the_original()
    {
        using var client = suite.Client();
        var part = new byte[123_457];
        using (var response = await client.GetAsync($"/cdn/{Asset}", HttpCompletionOption.ResponseHeadersRead))
        await using (var body = await response.Content.ReadAsStreamAsync())
            await body.ReadExactlyAsync(part);  // then the connection is dropped

        var resume = new HttpRequestMessage(HttpMethod.Get, $"/cdn/{Asset}");
        resume.Headers.Range = new RangeHeaderValue(part.Length, null);
        var rest = await (await client.SendAsync(resume)).Content.ReadAsByteArrayAsync();

        Assert.Equal(SHA256.HashData(Content), SHA256.HashData([.. part, .. rest]));
    }

    [Fact]
    public async Task A_missing_asset_is_a_problem_404()
    {
        using var client = suite.Client();

        var response = await client.GetAsync("/cdn/images/no-such-file.qcow2");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
