using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace PrivateBox.Factory.AppHost.Tests;

/// <summary>
/// The suite exactly as `./factory.sh run` starts it (`dotnet run --project AppHost --no-build --launch-profile http`,
/// the same environment) with its data in a throwaway folder, and headless Chromium logged in to its Aspire dashboard.
/// The whole process group is stopped as Ctrl+C would, then killed with anything left.
/// </summary>
public sealed partial class RunningSuite : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    public const string Dashboard = "http://localhost:15250";
    public const string Gateway = "http://localhost:5250";
    public const string SimulatorControl = "http://localhost:5262";

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"pbf-dashboard-{Guid.NewGuid():N}");
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<string> _loginUrl = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _suite;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IPage Page { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        // setsid: the suite gets a process group of its own, as in a terminal.
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "dotnet", "run", "--project", "AppHost", "--no-build", "--launch-profile", "http", "--", $"--Infrastructure:DataDir={_dataDir}" })
            start.ArgumentList.Add(arg);
        _suite = Process.Start(start)!;
        _suite.OutputDataReceived += (_, e) => Read(e.Data);
        _suite.ErrorDataReceived += (_, e) => Read(e.Data);
        _suite.BeginOutputReadLine();
        _suite.BeginErrorReadLine();

        var exited = _suite.WaitForExitAsync();
        if (await Task.WhenAny(_loginUrl.Task, exited, Task.Delay(StartTimeout)) != _loginUrl.Task)
        {
            await DisposeAsync();
            throw new InvalidOperationException($"The suite printed no dashboard login URL:\n{Output}");
        }
        var login = await _loginUrl.Task;
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("FACTORY_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        });
        Page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        Page.SetDefaultTimeout((float)StartTimeout.TotalMilliseconds);
        Assertions.SetDefaultExpectTimeout((float)StartTimeout.TotalMilliseconds);
        await Page.GotoAsync(login);
    }

    private void Read(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        if (LoginLine().Match(line) is { Success: true } match) _loginUrl.TrySetResult(match.Groups[1].Value);
    }

    /// <summary>The suite's console output so far, for a failure message.</summary>
    public string Output => string.Join('\n', _output.TakeLast(60));

    public async Task ScreenshotAsync(string name)
    {
        var dir = Path.Combine(Environment.GetEnvironmentVariable("FACTORY_TEST_RESULTS") ?? Path.Combine(RepoRoot, "TestResults"), "aspire-dashboard");
        Directory.CreateDirectory(dir);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(dir, name), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_suite is not null)
        {
            await SignalGroupAsync("INT");
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try { await _suite.WaitForExitAsync(grace.Token); }
            catch (OperationCanceledException) { }
            try { _suite.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await SignalGroupAsync("KILL");
            _suite.Dispose();
        }
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private async Task SignalGroupAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, "--", "-" + _suite!.Id]) { RedirectStandardError = true })!;
        await kill.WaitForExitAsync();
    }

    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PrivateBox.Factory.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
        }
    }

    [GeneratedRegex(@"Login to the dashboard at (\S+)")]
    private static partial Regex LoginLine();
}

// Uses the suite's fixed ports (5250, 15250, 5262, 16161...): runs alone, after the "suite" collection is disposed.
[CollectionDefinition("aspire dashboard", DisableParallelization = true)]
public sealed class AspireDashboardCollection : ICollectionFixture<RunningSuite>;
