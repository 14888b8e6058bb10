using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace PrivateBox.Factory.Services.SwitchMonitor.Snmp;

public sealed record SnmpClientOptions
{
    public SnmpVersion Version { get; init; } = SnmpVersion.V2c;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);
    public int Retries { get; init; } = 2;
    public int MaxRepetitions { get; init; } = 40;

    /// <summary>When a v2c agent never answers, try v1 once; if that answers, keep speaking v1 to it.</summary>
    public bool FallBackToV1 { get; init; } = true;
}

/// <summary>
/// A manager talking to one agent over UDP: GET, GETNEXT, GETBULK and table walks with timeouts, retries and
/// request-id matching (a late answer to an earlier request is skipped). One request at a time.
/// </summary>
public sealed class SnmpClient : IDisposable
{
    private readonly Socket _socket;
    private readonly IPEndPoint _agent;
    private readonly string _community;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly byte[] _buffer = new byte[65535];
    private int _requestId = Random.Shared.Next(1, int.MaxValue / 2);

    public SnmpClient(IPEndPoint agent, string community, SnmpClientOptions? options = null)
    {
        _agent = agent;
        _community = community;
        Options = options ?? new SnmpClientOptions();
        Version = Options.Version;
        _socket = new Socket(agent.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Connect(agent);
    }

    public SnmpClientOptions Options { get; }

    /// <summary>The version in use: the configured one, or v1 after a fallback.</summary>
    public SnmpVersion Version { get; private set; }

    private bool _answered;

    /// <summary>Datagrams received that were not the answer being waited for (stale, foreign or malformed).</summary>
    public long Skipped { get; private set; }

    public async Task<IReadOnlyList<VarBind>> GetAsync(IEnumerable<string> oids, CancellationToken ct = default) =>
        await RequestAsync(PduType.GetRequest, 0, 0, oids, ct);

    public async Task<IReadOnlyList<VarBind>> GetNextAsync(IEnumerable<string> oids, CancellationToken ct = default) =>
        await RequestAsync(PduType.GetNextRequest, 0, 0, oids, ct);

    public async Task<IReadOnlyList<VarBind>> GetBulkAsync(int nonRepeaters, int maxRepetitions, IEnumerable<string> oids, CancellationToken ct = default) =>
        Version == SnmpVersion.V1
            ? throw new InvalidOperationException("GETBULK needs SNMP v2c.")
            : await RequestAsync(PduType.GetBulkRequest, nonRepeaters, maxRepetitions, oids, ct);

    /// <summary>Every instance under <paramref name="root"/>, in order: GETBULK on v2c, GETNEXT on v1.</summary>
    public async IAsyncEnumerable<VarBind> WalkAsync(string root, [EnumeratorCancellation] CancellationToken ct = default)
    {
        root = SnmpOid.Normalize(root);
        var cursor = root;
        while (true)
        {
            IReadOnlyList<VarBind> page;
            try
            {
                page = Version == SnmpVersion.V1
                    ? await GetNextAsync([cursor], ct)
                    : await GetBulkAsync(0, Options.MaxRepetitions, [cursor], ct);
            }
            catch (SnmpErrorException e) when (e.Status == SnmpError.NoSuchName)
            {
                yield break; // v1's way of saying "end of the MIB"
            }
            if (page.Count == 0) yield break;
            foreach (var vb in page)
            {
                if (vb.Value.IsException || !SnmpOid.IsUnder(vb.Oid, root)) yield break;
                if (SnmpOid.Compare(vb.Oid, cursor) <= 0) throw new InvalidOperationException($"The agent walked backwards at {vb.Oid}.");
                cursor = vb.Oid;
                yield return vb;
            }
        }
    }

    private async Task<IReadOnlyList<VarBind>> RequestAsync(PduType type, int a, int b, IEnumerable<string> oids, CancellationToken ct)
    {
        var varBinds = oids.Select(VarBind.Request).ToList();
        await _gate.WaitAsync(ct);
        try
        {
            try
            {
                return await ExchangeAsync(Version, type, a, b, varBinds, Options.Retries, ct);
            }
            catch (TimeoutException) when (!_answered && Version == SnmpVersion.V2c && Options.FallBackToV1)
            {
                // v1 has no GETBULK; a GETNEXT answer is a bulk answer of one repetition (RFC 3416 4.2.3 allows fewer).
                var answer = type == PduType.GetBulkRequest
                    ? await ExchangeAsync(SnmpVersion.V1, PduType.GetNextRequest, 0, 0, varBinds, 0, ct)
                    : await ExchangeAsync(SnmpVersion.V1, type, a, b, varBinds, 0, ct);
                Version = SnmpVersion.V1; // it answered v1 where v2c got silence: an agent that does not speak v2c
                return answer;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<VarBind>> ExchangeAsync(SnmpVersion version, PduType type, int a, int b, List<VarBind> varBinds, int retries, CancellationToken ct)
    {
        var requestId = Interlocked.Increment(ref _requestId) & int.MaxValue;
        var datagram = SnmpCodec.Encode(new SnmpMessage(version, _community, new Pdu(type, requestId, a, b, varBinds)));
        for (var attempt = 0; attempt <= retries; attempt++)
        {
            await _socket.SendAsync(datagram, SocketFlags.None, ct);
            var answer = await ReceiveAsync(requestId, ct);
            if (answer is null) continue;
            _answered = true;
            if (answer.ErrorStatus != 0) throw new SnmpErrorException((SnmpError)answer.ErrorStatus, answer.ErrorIndex);
            return answer.VarBinds;
        }
        throw new TimeoutException($"No answer from {_agent} after {retries + 1} attempts of {Options.Timeout.TotalMilliseconds} ms.");
    }

    private async Task<Pdu?> ReceiveAsync(int requestId, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.Timeout);
        while (true)
        {
            int length;
            try
            {
                length = await _socket.ReceiveAsync(_buffer, SocketFlags.None, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // ICMP port unreachable: nobody listens there now; wait out the timeout as for silence.
                try { await Task.Delay(Timeout.Infinite, timeout.Token); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return null; }
                continue;
            }
            if (SnmpCodec.TryDecode(_buffer.AsMemory(0, length), out var message)
                && message!.Pdu.Type == PduType.Response && message.Pdu.RequestId == requestId && message.Community == _community)
                return message.Pdu;
            Skipped++;
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _gate.Dispose();
    }
}
