extern alias gateway;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PrivateBox.Factory.Services.Cdn.Checksums;
using GatewayProgram = gateway::Program;

namespace PrivateBox.Factory.Cdn.Tests;

/// <summary>
/// The CDN on Kestrel over a throwaway asset root, with the real gateway in front of it as units reach it.
/// Beside the root lies an "outside" folder with a secret no request may ever return.
/// </summary>
public sealed class CdnSuite : IAsyncLifetime
{
    public const string AdminKey = "dev-admin-key";
    public const string Secret = "OUTSIDE-THE-ROOT-7f3a9c";
    public static readonly byte[] TemplateBytes = RandomNumberGenerator.GetBytes(300_000);

    public string Base { get; } = Path.Combine(Path.GetTempPath(), $"pbf-cdn-{Guid.NewGuid():N}");
    public string Root => Path.Combine(Base, "root");
    public string Outside => Path.Combine(Base, "outside");
    public string UnitClient => Path.Combine(Base, "unit-client");
    public CdnHost Cdn { get; private set; } = null!;
    public GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Outside);
        Directory.CreateDirectory(UnitClient);
        await File.WriteAllTextAsync(Path.Combine(Outside, "secret.txt"), Secret);
        await File.WriteAllTextAsync(Path.Combine(UnitClient, "heartbeat.sh"), "#!/bin/bash\necho beat\n");
        Cdn = new CdnHost(this);
        Cdn.UseKestrel(0);
        Cdn.StartServer();
        Gateway = new GatewayHost(Cdn.CreateClient().BaseAddress!.ToString().TrimEnd('/'));
        Gateway.UseKestrel(0);
        Gateway.StartServer();
    }

    public Uri CdnAddress => Cdn.CreateClient().BaseAddress!;
    public Uri GatewayAddress => Gateway.CreateClient().BaseAddress!;

    /// <summary>A client of the gateway (the way units and the weekly job reach the CDN).</summary>
    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = GatewayAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    public async Task<string> WriteAssetAsync(string logical, byte[] content)
    {
        var path = Path.Combine(Root, logical);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, content);
        return path;
    }

    /// <summary>Waits until the background worker has checksummed <paramref name="logical"/> in its current version.</summary>
    public async Task WaitForChecksumAsync(string logical, byte[] content)
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(content));
        using var client = Client();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var manifest = await client.GetFromJsonAsync<JsonElement>("/cdn/manifest.json");
            if (manifest.GetProperty("assets").EnumerateArray().Any(a =>
                    a.GetProperty("path").GetString() == logical && a.GetProperty("sha256").GetString() == expected))
                return;
            Cdn.Services.GetRequiredService<ChecksumWorker>().Wake();
            await Task.Delay(100);
        }
        throw new TimeoutException($"{logical} was not checksummed within 30 s.");
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Cdn.DisposeAsync();
        try { Directory.Delete(Base, recursive: true); } catch (IOException) { }
    }

    public sealed class CdnHost(CdnSuite suite) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Cdn:Root", suite.Root);
            builder.UseSetting("Cdn:Folders:factory", suite.UnitClient);
            builder.UseSetting("Cdn:RescanInterval", "00:00:01");
            builder.UseSetting("Cdn:Required:0:Md5", Convert.ToHexStringLower(MD5.HashData(TemplateBytes)));
        }
    }

    public sealed class GatewayHost(string cdnAddress) : WebApplicationFactory<GatewayProgram>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("services:cdn:http:0", cdnAddress);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CdnCollection : ICollectionFixture<CdnSuite>
{
    public const string Name = "cdn";
}
