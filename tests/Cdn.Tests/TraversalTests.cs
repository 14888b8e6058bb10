using System.Security.Cryptography;

namespace PrivateBox.Factory.Cdn.Tests;

/// <summary>Every way out of the asset root, sent byte for byte to the CDN and to the gateway: never a byte from outside.</summary>
[Collection(CdnCollection.Name)]
public sealed class TraversalTests(CdnSuite suite) : IAsyncLifetime
{
    public Task InitializeAsync()
    {
        var images = Path.Combine(suite.Root, "images");
        Directory.CreateDirectory(images);
        var fileLink = Path.Combine(images, "escape.txt");
        var dirLink = Path.Combine(images, "escape-dir");
        if (!Path.Exists(fileLink)) File.CreateSymbolicLink(fileLink, Path.Combine(suite.Outside, "secret.txt"));
        if (!Path.Exists(dirLink)) Directory.CreateSymbolicLink(dirLink, suite.Outside);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string> Targets => new()
    {
        "/cdn/../outside/secret.txt",
        "/cdn/images/../../outside/secret.txt",
        "/cdn/%2e%2e/outside/secret.txt",
        "/cdn/images/%2e%2e/%2e%2e/outside/secret.txt",
        "/cdn/images/..%2f..%2foutside%2fsecret.txt",
        "/cdn/images/%2e%2e%2f%2e%2e%2foutside%2fsecret.txt",
        "/cdn/images/..%5c..%5coutside%5csecret.txt",
        "/cdn//etc/passwd",
        "/cdn/images//etc/passwd",
        "/cdn/images/%2fetc%2fpasswd",
        "/cdn/%2fetc%2fpasswd",
        "/cdn/images/escape.txt",
        "/cdn/images/escape-dir/secret.txt",
        "/cdn/images/escape-dir/",
        "/cdn/images/escape.txt.sha256",
        "/cdn/../../../../../../etc/passwd",
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task A_traversal_attempt_never_returns_a_byte_from_outside(string target)
    {
        foreach (var server in new[] { suite.CdnAddress, suite.GatewayAddress })
        {
            var (status, response) = await RawHttp.SendAsync(server, "GET", target);

            Assert.NotEqual(200, status);
            Assert.DoesNotContain(CdnSuite.Secret, response);
            Assert.DoesNotContain("root:x:0:0", response);
        }
    }

    [Fact]
    public async Task Links_out_of_the_root_are_not_listed_and_an_upload_through_them_is_refused()
    {
        using var client = suite.Client(CdnSuite.AdminKey);
        var body = RandomNumberGenerator.GetBytes(64);
        var put = new HttpRequestMessage(HttpMethod.Put, "/cdn/images/escape-dir/planted.bin") { Content = new ByteArrayContent(body) };
        put.Headers.TryAddWithoutValidation("Content-Digest", $"sha-256=:{Convert.ToBase64String(SHA256.HashData(body))}:");

        var listing = await client.GetStringAsync("/cdn/images/?format=json");
        var upload = await client.SendAsync(put);

        Assert.DoesNotContain("escape", listing);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, upload.StatusCode);
        Assert.False(File.Exists(Path.Combine(suite.Outside, "planted.bin")));
    }
}
