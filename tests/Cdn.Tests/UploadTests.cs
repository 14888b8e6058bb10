using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace PrivateBox.Factory.Cdn.Tests;

/// <summary>The weekly update through the gateway: verified atomic PUT, rejected uploads, DELETE.</summary>
[Collection(CdnCollection.Name)]
public sealed class UploadTests(CdnSuite suite)
{
    private static HttpRequestMessage Put(string path, byte[] body, string? digest)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new ByteArrayContent(body) };
        if (digest is not null) request.Headers.TryAddWithoutValidation("Content-Digest", digest);
        return request;
    }

    private static string DigestOf(byte[] body) => $"sha-256=:{Convert.ToBase64String(SHA256.HashData(body))}:";

    private async Task<string> SeedAsync(string logical, byte[] content)
    {
        await suite.WriteAssetAsync(logical, content);
        return logical;
    }

    private IEnumerable<string> Leftovers(string logical) =>
        Directory.EnumerateFiles(Path.GetDirectoryName(Path.Combine(suite.Root, logical))!, ".*");

    [Fact]
    public async Task A_put_with_the_right_digest_creates_then_replaces_the_file()
    {
        using var admin = suite.Client(CdnSuite.AdminKey);
        var v1 = RandomNumberGenerator.GetBytes(50_000);
        var v2 = RandomNumberGenerator.GetBytes(60_000);

        var created = await admin.SendAsync(Put("/cdn/containers/new/portainer.tar", v1, DigestOf(v1)));
        var replaced = await admin.SendAsync(Put("/cdn/containers/new/portainer.tar", v2, DigestOf(v2)));
        var download = await admin.GetAsync("/cdn/containers/new/portainer.tar");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(v2, await download.Content.ReadAsByteArrayAsync());
        // The stated digest was verified on the way in, so the download carries it at once.
        Assert.Equal(DigestOf(v2), Assert.Single(download.Headers.GetValues("Repr-Digest")));
    }

    [Fact]
    public async Task A_put_with_a_wrong_or_missing_digest_leaves_the_old_file_untouched()
    {
        var old = RandomNumberGenerator.GetBytes(10_000);
        var asset = await SeedAsync("source/keep.tar.gz", old);
        using var admin = suite.Client(CdnSuite.AdminKey);
        var other = RandomNumberGenerator.GetBytes(10_000);

        var wrong = await admin.SendAsync(Put($"/cdn/{asset}", other, DigestOf(old)));
        var missing = await admin.SendAsync(Put($"/cdn/{asset}", other, null));
        var malformed = await admin.SendAsync(Put($"/cdn/{asset}", other, "sha-256=abc"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
        Assert.Equal(old, await File.ReadAllBytesAsync(Path.Combine(suite.Root, asset)));
        Assert.Empty(Leftovers(asset));
    }

    [Fact]
    public async Task Uploads_need_the_admin_key()
    {
        var body = RandomNumberGenerator.GetBytes(100);
        using var anonymous = suite.Client();
        using var unit = suite.Client("dev-factory-token");

        var none = await anonymous.SendAsync(Put("/cdn/images/x.bin", body, DigestOf(body)));
        var other = await unit.SendAsync(Put("/cdn/images/x.bin", body, DigestOf(body)));
        var delete = await anonymous.DeleteAsync("/cdn/images/x.bin");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode); // the CDN holds the admin key alone
        Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
        Assert.False(File.Exists(Path.Combine(suite.Root, "images/x.bin")));
    }

    [Fact]
    public async Task An_interrupted_upload_leaves_the_old_file_and_no_temporary_file()
    {
        var old = RandomNumberGenerator.GetBytes(20_000);
        var asset = await SeedAsync("templates/interrupted.vma.zst", old);
        var full = RandomNumberGenerator.GetBytes(2_000_000);
        var interrupted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Name == "cdn.uploads") l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            if (tags.ToArray().Any(t => t.Value as string == "interrupted")) Interlocked.Increment(ref interrupted);
        });
        listener.Start();

        // Straight to the Cdn: the gateway may drop a request whose client stops mid-body before forwarding
        // it at all, and this test is about the Cdn's own handling of a cut body.
        var (status, answer) = await RawHttp.SendAsync(suite.CdnAddress, "PUT", $"/cdn/{asset}",
            $"Authorization: Bearer {CdnSuite.AdminKey}\r\nContent-Digest: {DigestOf(full)}\r\nContent-Length: {full.Length}\r\n",
            full[..700_000], closeEarly: true);

        for (var i = 0; i < 100 && Volatile.Read(ref interrupted) == 0; i++) await Task.Delay(100);
        Assert.True(interrupted > 0, $"answer {status}: {answer}");
        Assert.Empty(Leftovers(asset));
        using var client = suite.Client();
        Assert.Equal(old, await client.GetByteArrayAsync($"/cdn/{asset}"));
    }

    [Fact]
    public async Task An_upload_larger_than_kestrels_default_limit_passes_the_gateway()
    {
        var big = RandomNumberGenerator.GetBytes(40 * 1024 * 1024);
        using var admin = suite.Client(CdnSuite.AdminKey);

        var response = await admin.SendAsync(Put("/cdn/images/big-upload.qcow2", big, DigestOf(big)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(SHA256.HashData(big), SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(suite.Root, "images/big-upload.qcow2"))));
        File.Delete(Path.Combine(suite.Root, "images/big-upload.qcow2"));
    }

    [Fact]
    public async Task A_download_in_progress_during_a_swap_finishes_with_the_old_version()
    {
        var old = RandomNumberGenerator.GetBytes(16 * 1024 * 1024);
        var asset = await SeedAsync("images/swapped.qcow2", old);
        var next = RandomNumberGenerator.GetBytes(16 * 1024 * 1024);
        using var unit = suite.Client();
        using var admin = suite.Client(CdnSuite.AdminKey);

        using var download = await unit.GetAsync($"/cdn/{asset}", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await download.Content.ReadAsStreamAsync();
        var received = new MemoryStream();
        var first = new byte[1024 * 1024];
        await body.ReadExactlyAsync(first);
        received.Write(first);
        var swap = await admin.SendAsync(Put($"/cdn/{asset}", next, DigestOf(next)));
        await body.CopyToAsync(received);

        Assert.Equal(HttpStatusCode.OK, swap.StatusCode);
        Assert.Equal(SHA256.HashData(old), SHA256.HashData(received.ToArray()));
        Assert.Equal(SHA256.HashData(next), SHA256.HashData(await unit.GetByteArrayAsync($"/cdn/{asset}")));
    }

    [Fact]
    public async Task Delete_removes_the_file()
    {
        var asset = await SeedAsync("source/obsolete.tar.gz", RandomNumberGenerator.GetBytes(100));
        using var admin = suite.Client(CdnSuite.AdminKey);

        var deleted = await admin.DeleteAsync($"/cdn/{asset}");
        var again = await admin.DeleteAsync($"/cdn/{asset}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/cdn/{asset}")).StatusCode);
    }

    [Fact]
    public async Task An_upload_outside_the_areas_is_refused()
    {
        var body = RandomNumberGenerator.GetBytes(100);
        using var admin = suite.Client(CdnSuite.AdminKey);

        var top = await admin.SendAsync(Put("/cdn/loose-file.bin", body, DigestOf(body)));
        var unknown = await admin.SendAsync(Put("/cdn/elsewhere/file.bin", body, DigestOf(body)));

        Assert.Equal(HttpStatusCode.BadRequest, top.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }
}
