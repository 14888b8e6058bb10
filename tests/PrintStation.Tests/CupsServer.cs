using System.Diagnostics;
using System.Net.Sockets;

namespace PrivateBox.Factory.PrintStation.Tests;

/// <summary>
/// A private cupsd on loopback (root, as the test command runs) with one queue, "labels", whose backend keeps what it
/// is sent and the job's title in <see cref="Output"/>. The machine's own CUPS, if any, is untouched.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CupsServer : IAsyncLifetime
{
    public const string Queue = "labels";
    private readonly string _root = Directory.CreateTempSubdirectory("privatebox-cups-").FullName;
    private Process? _cupsd;

    public string Server { get; private set; } = "";
    public string Output => Path.Combine(_root, "out");

    public async Task InitializeAsync()
    {
        var port = TestServers.FreePort();
        Server = $"127.0.0.1:{port}";
        foreach (var folder in new[] { "spool", "cache", "state" }) Directory.CreateDirectory(Path.Combine(_root, folder));
        Directory.CreateDirectory(Output);
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Output, (UnixFileMode)0b1_111_111_111); // the backend runs as the lp user
        // cupsd runs its helpers from ServerBin: the system's, plus the capture backend.
        var bin = Directory.CreateDirectory(Path.Combine(_root, "bin", "backend")).Parent!.FullName;
        File.CreateSymbolicLink(Path.Combine(bin, "daemon"), "/usr/lib/cups/daemon");
        File.CreateSymbolicLink(Path.Combine(bin, "filter"), "/usr/lib/cups/filter");
        var backend = Path.Combine(bin, "backend", "capture");
        await File.WriteAllTextAsync(backend, """
            #!/bin/sh
            [ $# -eq 0 ] && { echo 'direct capture "Unknown" "Test capture"'; exit 0; }
            out=${DEVICE_URI#capture:}
            printf '%s' "$3" >"$out/$2.title"
            if [ -n "$6" ]; then cat "$6" >"$out/$2.tmp"; else cat >"$out/$2.tmp"; fi
            mv "$out/$2.tmp" "$out/$2.job"
            """.Replace("\r", ""));
        File.SetUnixFileMode(backend, (UnixFileMode)0b111_101_101);

        await File.WriteAllTextAsync(Path.Combine(_root, "cupsd.conf"), $"""
            Listen {Server}
            LogLevel info
            WebInterface No
            Browsing No
            DefaultAuthType None
            <Location />
              Order allow,deny
              Allow all
            </Location>
            <Policy default>
              <Limit All>
                Order deny,allow
              </Limit>
            </Policy>
            """);
        await File.WriteAllTextAsync(Path.Combine(_root, "cups-files.conf"), $"""
            ServerRoot {_root}
            ServerBin {bin}
            RequestRoot {_root}/spool
            TempDir {_root}/spool
            CacheDir {_root}/cache
            StateDir {_root}/state
            ErrorLog {_root}/error_log
            AccessLog {_root}/access_log
            PageLog {_root}/page_log
            """);
        await File.WriteAllTextAsync(Path.Combine(_root, "printers.conf"), $"""
            <DefaultPrinter {Queue}>
            Info PrivateBox test labels
            DeviceURI capture:{Output}
            State Idle
            Accepting Yes
            Shared No
            </DefaultPrinter>
            """);

        var start = new ProcessStartInfo("/usr/sbin/cupsd") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-f", "-c", Path.Combine(_root, "cupsd.conf"), "-s", Path.Combine(_root, "cups-files.conf") })
            start.ArgumentList.Add(a);
        _cupsd = Process.Start(start)!;
        for (var i = 0; i < 100; i++)
        {
            if (_cupsd.HasExited)
                throw new InvalidOperationException($"cupsd exited: {await _cupsd.StandardError.ReadToEndAsync()} {ErrorLog()}");
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) { await Task.Delay(100); }
        }
        throw new TimeoutException($"cupsd did not listen within 10 s. {ErrorLog()}");
    }

    private string ErrorLog() => File.Exists(Path.Combine(_root, "error_log")) ? File.ReadAllText(Path.Combine(_root, "error_log")) : "";

    /// <summary>Runs a CUPS command-line tool against this server.</summary>
    public async Task RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-h", Server }.Concat(args)) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool}: {errors}");
    }

    public async Task DisposeAsync()
    {
        if (_cupsd is { HasExited: false })
        {
            _cupsd.Kill();
            await _cupsd.WaitForExitAsync();
        }
        _cupsd?.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
