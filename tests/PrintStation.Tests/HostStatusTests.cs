using PrivateBox.Factory.Services.PrintStation.Printers;

namespace PrivateBox.Factory.PrintStation.Tests;

public class HostStatusTests
{
    [Theory]
    [InlineData(false, false, false, "ready")]
    [InlineData(true, false, false, "paper-out")]
    [InlineData(false, true, false, "paused")]
    [InlineData(false, false, true, "head-open")]
    [InlineData(true, true, true, "head-open")]
    public void Host_status_flags_map_to_printer_states(bool paperOut, bool paused, bool headOpen, string expected) =>
        Assert.Equal(expected, HostStatus.Parse(FakeZplPrinter.HostStatus(paperOut, paused, headOpen)).State);

    [Fact]
    public void Garbage_host_status_is_an_error_not_ready() =>
        Assert.Equal("error", HostStatus.Parse("hello").State);
}
