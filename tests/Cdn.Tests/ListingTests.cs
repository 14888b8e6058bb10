using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PrivateBox.Factory.Cdn.Tests;

/// <summary>Manifest, .sha256 siblings, listings, mirroring, aliases and the unit-client area, through the gateway.</summary>
[Collection(CdnCollection.Name)]
public sealed class ListingTests(CdnSuite suite) : IAsyncLifetime
{
    private static readonly byte[] Adguard = RandomNumberGenerator.GetBytes(70_000);
    private static readonly byte[] Semaphore = RandomNumberGenerator.GetBytes(30_000);
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"pbf-cdn-client-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        await suite.WriteAssetAsync("containers/adguard.tar", Adguard);
        await suite.WriteAssetAsync("containers/management/semaphore image.tar", Semaphore);
        await suite.WriteAssetAsync("templates/opnsense-template.vma.zst", CdnSuite.TemplateBytes);
        await suite.WaitForChecksumAsync("containers/adguard.tar", Adguard);
        await suite.WaitForChecksumAsync("containers/management/semaphore image.tar", Semaphore);
        await suite.WaitForChecksumAsync("templates/opnsense-template.vma.zst", CdnSuite.TemplateBytes);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_manifest_agrees_with_sha256sum_and_md5sum_of_the_files()
    {
        using var client = suite.Client();

        var manifest = await client.GetFromJsonAsync<JsonElement>("/cdn/manifest.json");

        var checkedAssets = 0;
        foreach (var asset in manifest.GetProperty("assets").EnumerateArray())
        {
            var path = asset.GetProperty("path").GetString()!;
            var file = new FileInfo(Path.Combine(suite.Root, path));
            if (!file.Exists || file.LinkTarget is not null || asset.GetProperty("sha256").ValueKind == JsonValueKind.Null) continue;
            var (_, sha) = await Processes.RunAsync(suite.Root, "sha256sum", path);
            var (_, md5) = await Processes.RunAsync(suite.Root, "md5sum", path);
            Assert.Equal(sha.Split(' ')[0], asset.GetProperty("sha256").GetString());
            Assert.Equal(md5.Split(' ')[0], asset.GetProperty("md5").GetString());
            Assert.Equal(file.Length, asset.GetProperty("size").GetInt64());
            checkedAssets++;
        }
        Assert.True(checkedAssets >= 3);
        Assert.Equal("templates/opnsense-template.vma.zst",
            manifest.GetProperty("aliases").GetProperty("vzdump-qemu-105-opnsense.vma.zst").GetString());
    }

    [Theory]
    [InlineData("containers/adguard.tar")]
    [InlineData("containers/management/semaphore image.tar")]
    [InlineData("vzdump-qemu-105-opnsense.vma.zst")]
    public async Task A_downloaded_file_verifies_with_sha256sum_c_against_its_sibling(string path)
    {
        using var client = suite.Client();
        var name = Path.GetFileName(path);
        var escaped = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        await File.WriteAllBytesAsync(Path.Combine(_work, name), await client.GetByteArrayAsync($"/cdn/{escaped}"));
        await File.WriteAllBytesAsync(Path.Combine(_work, name + ".sha256"), await client.GetByteArrayAsync($"/cdn/{escaped}.sha256"));

        var (exit, output) = await Processes.RunAsync(_work, "sha256sum", "-c", name + ".sha256");

        Assert.True(exit == 0, output);
        Assert.Contains($"{name}: OK", output);
    }

    [Fact]
    public async Task An_alias_serves_the_asset_it_names()
    {
        using var client = suite.Client();

        var aliased = await client.GetByteArrayAsync("/cdn/vzdump-qemu-105-opnsense.vma.zst");

        Assert.Equal(CdnSuite.TemplateBytes, aliased);
    }

    [Fact]
    public async Task Listings_are_html_with_relative_links_and_json_for_scripts()
    {
        using var client = suite.Client();
        var json = new HttpRequestMessage(HttpMethod.Get, "/cdn/containers/");
        json.Headers.Accept.ParseAdd("application/json");

        var html = await client.GetStringAsync("/cdn/containers/");
        var listing = JsonDocument.Parse(await (await client.SendAsync(json)).Content.ReadAsStringAsync()).RootElement;
        var root = await client.GetStringAsync("/cdn/?format=json");

        Assert.Contains("<a href=\"adguard.tar\">adguard.tar</a>", html);
        Assert.Contains("<a href=\"adguard.tar.sha256\">", html);
        Assert.Contains("<a href=\"management/\">management/</a>", html);
        Assert.Equal("/cdn/containers/", listing.GetProperty("path").GetString());
        var adguard = listing.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "adguard.tar");
        Assert.Equal(Adguard.Length, adguard.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Adguard)), adguard.GetProperty("sha256").GetString());
        Assert.Contains("\"containers/\"", root);
    }

    [Fact]
    public async Task A_directory_without_its_trailing_slash_redirects_to_it()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = suite.GatewayAddress };

        var response = await client.GetAsync("/cdn/containers");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/cdn/containers/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Wget_mirrors_an_area_recursively_and_every_file_verifies()
    {
        var (exit, output) = await Processes.RunAsync(_work, "wget", "-r", "-np", "-nH", "-q", "-e", "robots=off",
            new Uri(suite.GatewayAddress, "/cdn/containers/").ToString());

        Assert.True(exit == 0, output);
        var mirror = Path.Combine(_work, "cdn", "containers");
        Assert.Equal(Adguard, await File.ReadAllBytesAsync(Path.Combine(mirror, "adguard.tar")));
        Assert.Equal(Semaphore, await File.ReadAllBytesAsync(Path.Combine(mirror, "management", "semaphore image.tar")));
        var (check, checkOutput) = await Processes.RunAsync(Path.Combine(mirror, "management"), "sha256sum", "-c", "semaphore image.tar.sha256");
        Assert.True(check == 0, checkOutput);
    }

    [Fact]
    public async Task The_unit_client_folder_is_served_under_factory()
    {
        using var client = suite.Client();
        var script = await File.ReadAllBytesAsync(Path.Combine(suite.UnitClient, "heartbeat.sh"));
        await suite.WaitForChecksumAsync("factory/heartbeat.sh", script);

        var response = await client.GetAsync("/cdn/factory/heartbeat.sh");
        var sidecar = await client.GetStringAsync("/cdn/factory/heartbeat.sh.sha256");

        Assert.Equal(script, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/x-shellscript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{Convert.ToHexStringLower(SHA256.HashData(script))}  heartbeat.sh\n", sidecar);
        Assert.Contains("heartbeat.sh", Encoding.UTF8.GetString(await client.GetByteArrayAsync("/cdn/factory/")));
    }
}
