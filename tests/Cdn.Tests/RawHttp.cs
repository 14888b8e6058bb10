using System.Net.Sockets;
using System.Text;

namespace PrivateBox.Factory.Cdn.Tests;

/// <summary>Requests written byte for byte, so a target like /cdn/../x reaches the server unnormalized.</summary>
public static class RawHttp
{
    public static async Task<(int Status, string Response)> SendAsync(Uri server, string method, string target,
        string extraHeaders = "", byte[]? body = null, bool closeEarly = false)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        var head = $"{method} {target} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\n{extraHeaders}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        if (body is not null) await stream.WriteAsync(body);
        if (closeEarly)
        {
            // The client stops sending mid-body (FIN, not RST: a reset could discard the request before the
            // server reads it) and waits for whatever the server answers.
            tcp.Client.Shutdown(SocketShutdown.Send);
            using var cut = new StreamReader(stream, Encoding.Latin1);
            try
            {
                var answer = await cut.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
                return (answer.Length >= 12 ? int.Parse(answer.AsSpan(9, 3)) : 0, answer);
            }
            catch (IOException) { return (0, ""); } // the server may reset a connection whose request it gave up on
        }
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var response = await reader.ReadToEndAsync();
        var status = int.Parse(response.AsSpan(9, 3));
        return (status, response);
    }
}
