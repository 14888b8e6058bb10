using System.Diagnostics;
using PrivateBox.Factory.Contracts;

namespace PrivateBox.Factory.AppHost.Tests;

/// <summary>scripts/virtual-line.py against the whole suite: its units build, are labeled at the kiosk and debugged.</summary>
[Collection("suite")]
public sealed class VirtualLineTests(SuiteFixture suite)
{
    private DistributedApplication App => suite.App;

    [Fact]
    public async Task Four_virtual_units_are_built_labeled_with_a_reprint_and_the_failed_one_has_a_debug_bundle()
    {
        using var cts = new CancellationTokenSource(SuiteFixture.StartTimeout);
        foreach (var resource in new[] { ResourceNames.Gateway, ResourceNames.PrintStation, ResourceNames.DebugCollector, ResourceNames.SwitchMonitor })
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token);

        // One of four fails, none stalls, one labeled unit is reflashed and labeled again; every label misprints once.
        var (exitCode, output) = await RunAsync(
            "--gateway", Url(ResourceNames.Gateway), "--kiosk", Url(ResourceNames.PrintStation), "--switch-control", Url("switchsimulator"),
            "--units", "4", "--speed", "60", "--seed", "7", "--failure-rate", "0.25", "--stuck-rate", "0",
            "--reflash-failed", "0", "--reflash-labeled", "1", "--misprint-rate", "1");

        Assert.True(exitCode == 0, output);
        Assert.Matches(@"units built\s+4\s+\(5 builds, 1 reflashed\)", output);
        Assert.Matches(@"ready\s+4\n", output);
        Assert.Matches(@"failed\s+1\n", output);
        Assert.Matches(@"labeled\s+4\n", output);
        Assert.Matches(@"reprinted\s+4\n", output);
        Assert.Matches(@"bundles seen\s+1\s+\(of 1 failed units\)", output);
    }

    private string Url(string resource) => App.GetEndpoint(resource, "http").ToString().TrimEnd('/');

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "scripts", "virtual-line.py"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PrivateBox.Factory.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("PrivateBox.Factory.sln not found above the test's folder.");
    }
}
