using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PrivateBox.Factory.DebugCollector.Tests;

/// <summary>
/// A real OpenSSH server on loopback standing in for a unit: the test user is whoever runs the tests, logging
/// in with a generated client key; the files under <see cref="Root"/> are the unit's logs.
/// </summary>
public sealed class SshServer : IAsyncLifetime
{
    private Process? _sshd;
    public string Dir { get; } = Directory.CreateTempSubdirectory("privatebox-sshd.").FullName;
    public string Root => Path.Combine(Dir, "unit");
    public string ClientKey => Path.Combine(Dir, "id_ed25519");
    public string User { get; } = Environment.UserName;
    public int Port { get; } = TestServers.FreePort();
    public string HostKeyFingerprint { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "factory-debug-test", "-f", ClientKey);
        File.Copy(ClientKey + ".pub", Path.Combine(Dir, "authorized_keys"));
        await NewHostKeyAsync();
        await StartAsync();
    }

    /// <summary>The unit was "reinstalled": a new host key, same address.</summary>
    public async Task ChangeHostKeyAsync()
    {
        Stop();
        await NewHostKeyAsync();
        await StartAsync();
    }

    /// <summary>While the returned scope lives, the debug key is not authorised: every login is refused.</summary>
    public IDisposable RefuseLogins()
    {
        var authorized = Path.Combine(Dir, "authorized_keys");
        File.Move(authorized, authorized + ".off");
        return new Restore(() => File.Move(authorized + ".off", authorized));
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    public void WriteLog(string path, string content)
    {
        var full = Path.Combine(Root, path.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public string PathOf(string path) => Path.Combine(Root, path.TrimStart('/'));

    public Task DisposeAsync()
    {
        Stop();
        Directory.Delete(Dir, recursive: true);
        return Task.CompletedTask;
    }

    private async Task NewHostKeyAsync()
    {
        var hostKey = Path.Combine(Dir, "host_ed25519");
        File.Delete(hostKey);
        File.Delete(hostKey + ".pub");
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey);
        HostKeyFingerprint = (await RunAsync("ssh-keygen", "-l", "-E", "sha256", "-f", hostKey + ".pub")).Split(' ')[1];
    }

    private async Task StartAsync()
    {
        // sshd as root wants its privilege separation directory.
        if (Environment.UserName == "root") Directory.CreateDirectory("/run/sshd");
        var config = Path.Combine(Dir, "sshd_config");
        File.WriteAllLines(config,
        [
            $"Port {Port}", "ListenAddress 127.0.0.1", $"HostKey {Path.Combine(Dir, "host_ed25519")}",
            $"AuthorizedKeysFile {Path.Combine(Dir, "authorized_keys")}", $"PidFile {Path.Combine(Dir, "sshd.pid")}",
            "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
            "PermitRootLogin prohibit-password", "MaxStartups 50", "MaxSessions 50", "LogLevel ERROR",
        ]);
        _sshd = Process.Start(new ProcessStartInfo("/usr/sbin/sshd", ["-D", "-e", "-f", config])
            { RedirectStandardError = true, RedirectStandardOutput = true })!;
        _sshd.ErrorDataReceived += (_, _) => { };
        _sshd.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (_sshd.HasExited) throw new InvalidOperationException($"sshd exited with {_sshd.ExitCode}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private void Stop()
    {
        if (_sshd is { HasExited: false }) _sshd.Kill(entireProcessTree: true);
        _sshd?.WaitForExit(5000);
        _sshd?.Dispose();
        _sshd = null;
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {error}");
        return output;
    }
}
