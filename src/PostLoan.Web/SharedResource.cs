namespace PostLoan.Web;

/// <summary>Marker for the UI texts in Resources/SharedResource*.resx (Simplified Chinese neutral, English satellite).</summary>
public sealed class SharedResource;
