using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PrivateBox.Factory.PrintStation.Tests;

/// <summary>A label printer's raw TCP port on loopback: records every ZPL stream and answers <c>~HS</c> with its flags.</summary>
public sealed class FakeZplPrinter : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public FakeZplPrinter()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public ConcurrentQueue<string> Labels { get; } = new();
    public volatile bool PaperOut;
    public volatile bool HeadOpen;
    public volatile bool Paused;

    public static string HostStatus(bool paperOut, bool paused, bool headOpen) =>
        $"\u0002030,{(paperOut ? 1 : 0)},{(paused ? 1 : 0)},1245,000,0,0,0,000,0,0,0\u0003\r\n"
        + $"\u0002001,0,{(headOpen ? 1 : 0)},0,0,2,6,0,00000000,1,000\u0003\r\n"
        + "\u00021234,0\u0003\r\n";

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var received = new StringBuilder();
        var buffer = new byte[4096];
        var answered = false;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, _stop.Token)) > 0)
            {
                received.Append(Encoding.UTF8.GetString(buffer, 0, read));
                if (!answered && received.ToString().Contains("~HS"))
                {
                    answered = true;
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(HostStatus(PaperOut, Paused, HeadOpen)), _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException) { }
        var label = received.ToString().Replace("~HS", "");
        if (label.Length > 0) Labels.Enqueue(label);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
    }
}
