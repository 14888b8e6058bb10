using System.Diagnostics;
using System.Security.Cryptography;

namespace PrivateBox.Factory.Cdn.Tests;

/// <summary>./factory.sh cdn-sync against the gateway: uploads what changed, skips what did not.</summary>
[Collection(CdnCollection.Name)]
public sealed class CdnSyncTests(CdnSuite suite)
{
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "factory.sh"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("factory.sh not found above the test binaries.");
    }

    private async Task<(int ExitCode, string Output)> SyncAsync(string folder)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(RepoRoot(), "factory.sh"), "cdn-sync", folder, new Uri(suite.GatewayAddress, "/cdn").ToString() })
            start.ArgumentList.Add(arg);
        start.Environment["CDN_ADMIN_KEY"] = CdnSuite.AdminKey;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task Cdn_sync_uploads_new_and_changed_files_and_skips_unchanged_ones()
    {
        var folder = Path.Combine(suite.Base, $"weekly-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(folder, "source", "sync test"));
        var first = RandomNumberGenerator.GetBytes(40_000);
        var second = RandomNumberGenerator.GetBytes(20_000);
        await File.WriteAllBytesAsync(Path.Combine(folder, "source", "sync test", "bootstrap #1.tar.gz"), first);
        await File.WriteAllBytesAsync(Path.Combine(folder, "source", "sync-2.tar.gz"), second);

        var initial = await SyncAsync(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "source", "sync-2.tar.gz"), first);
        var update = await SyncAsync(folder);

        Assert.True(initial.ExitCode == 0, initial.Output);
        Assert.Contains("2 uploaded, 0 unchanged, 0 failed", initial.Output);
        Assert.True(update.ExitCode == 0, update.Output);
        Assert.Contains("1 uploaded, 1 unchanged, 0 failed", update.Output);
        Assert.Equal(first, await File.ReadAllBytesAsync(Path.Combine(suite.Root, "source", "sync test", "bootstrap #1.tar.gz")));
        Assert.Equal(first, await File.ReadAllBytesAsync(Path.Combine(suite.Root, "source", "sync-2.tar.gz")));
    }
}
