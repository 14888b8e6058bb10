using System.Net.Sockets;
using System.Text;
using PrivateBox.Factory.Services.PrintStation.Labels;

namespace PrivateBox.Factory.Services.PrintStation.Printers;

/// <summary>A Zebra-compatible printer on raw TCP (port 9100): ZPL in, <c>~HS</c> host status out.</summary>
public sealed class ZplPrinter(PrinterOptions options) : ILabelPrinter
{
    public string Description => $"ZPL printer {options.Host}:{options.Port}";

    public async Task<PrinterState> CheckAsync(CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Timeout);
            using var client = await ConnectAsync(timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("~HS"u8.ToArray(), timeout.Token);
            var reply = new StringBuilder();
            var buffer = new byte[512];
            while (reply.ToString().Count(c => c == '\x03') < 3)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) break;
                reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            return HostStatus.Parse(reply.ToString());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new PrinterState("unreachable", $"no answer within {options.Timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException ex)
        {
            return new PrinterState("unreachable", ex.SocketErrorCode.ToString());
        }
        catch (IOException)
        {
            return new PrinterState("unreachable", "connection dropped");
        }
    }

    public async Task PrintAsync(LabelContent label, LabelLayout layout, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Timeout);
            using var client = await ConnectAsync(timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(ZplLabel.Render(layout), timeout.Token);
            await stream.FlushAsync(timeout.Token);
            client.Client.Shutdown(SocketShutdown.Send);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new PrinterException($"The printer did not take the label within {options.Timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            throw new PrinterException($"The printer connection failed ({(ex as SocketException)?.SocketErrorCode.ToString() ?? "connection dropped"}).", ex);
        }
    }

    private async Task<TcpClient> ConnectAsync(CancellationToken ct)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(options.Host, options.Port, ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}

/// <summary>Reads the three STX..ETX strings a ZPL printer answers to <c>~HS</c>.</summary>
public static class HostStatus
{
    public static PrinterState Parse(string reply)
    {
        var strings = reply.Split('\x02', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Split('\x03')[0].Trim().Split(','))
            .ToArray();
        if (strings.Length < 2 || strings[0].Length < 3 || strings[1].Length < 4)
            return new PrinterState("error", "unreadable host status");
        // String 1: aaa,b(paper out),c(pause),...; string 2: mmm,n,o(head up),p(ribbon out),...
        if (strings[1][2] == "1") return new PrinterState("head-open");
        if (strings[0][1] == "1") return new PrinterState("paper-out");
        if (strings[1][3] == "1") return new PrinterState("error", "ribbon out");
        if (strings[0][2] == "1") return new PrinterState("paused");
        return PrinterState.Ready;
    }
}
