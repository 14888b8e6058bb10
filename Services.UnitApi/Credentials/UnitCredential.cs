namespace PrivateBox.Factory.Services.UnitApi.Credentials;

/// <summary>
/// The passwords of one build attempt, each AES-GCM encrypted with a key kept outside the database.
/// The row is deleted (and the table vacuumed) once the label is printed.
/// </summary>
public class UnitCredential
{
    public Guid AttemptId { get; set; }
    public required byte[] AdminPassword { get; set; }
    public required byte[] ServicesPassword { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public override string ToString() => $"UnitCredential {{ AttemptId = {AttemptId} }}";
}
