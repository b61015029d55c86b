"""What goes wrong with demo units and what staff write on their claims: faults, parts, reasons."""

from __future__ import annotations

FAULTS: dict[str, tuple[str, ...]] = {
    "laptops": ("Will not charge", "Screen flickers when the lid moves", "Fan is very loud",
                "Keyboard keys stop working", "Battery drains in an hour", "No picture on start",
                "Trackpad clicks on its own", "Shuts down when warm"),
    "phones": ("Will not charge", "Touch screen stops responding", "Camera shows a black image",
               "Speaker crackles on calls", "Restarts on its own", "Battery swells",
               "No signal after an update", "Microphone does not pick up"),
    "tvs": ("No picture, sound works", "Lines across the screen", "Will not switch on",
            "Remote does not pair", "Wi-Fi keeps dropping", "Dark patch in one corner"),
    "small appliances": ("Does not heat", "Trips the fuse", "Switch will not stay down",
                         "Leaks from the base", "Motor stops after a minute",
                         "Burning smell when on"),
    "headphones": ("Left side silent", "Noise cancelling hisses", "Will not pair",
                   "Charging case does not charge", "Crackle at high volume"),
    "accessories": ("Stopped charging", "Works only at an angle", "Gets very hot"),
}

PARTS: dict[str, tuple[tuple[str, int, int], ...]] = {
    "laptops": (("Charging port board", 2_400, 4_800), ("Cooling fan", 1_900, 3_900),
                ("Display cable", 1_500, 3_200), ("Keyboard assembly", 4_500, 8_900),
                ("Battery pack", 5_900, 9_900)),
    "phones": (("Charging port flex", 1_200, 2_900), ("Display assembly", 6_900, 14_900),
               ("Rear camera module", 3_900, 6_900), ("Loudspeaker", 900, 2_200),
               ("Battery", 2_900, 4_900)),
    "tvs": (("Power supply board", 5_900, 12_900), ("T-con board", 3_900, 8_900),
            ("Wi-Fi module", 1_900, 3_900), ("Backlight strip set", 4_900, 9_900)),
    "small appliances": (("Heating element", 900, 1_900), ("Switch assembly", 500, 1_200),
                         ("Motor brushes", 700, 1_500)),
    "headphones": (("Driver unit", 1_500, 3_500), ("Charging board", 900, 2_400),
                   ("Bluetooth module", 1_900, 3_900)),
    "accessories": (("Connector", 200, 500),),
}

REJECT_REASONS: tuple[str, ...] = (
    "The unit has liquid damage: the water indicator inside is red. Liquid damage is not "
    "covered by the warranty.",
    "The screen is cracked from an impact. Accidental damage is not covered; we can quote for "
    "a paid repair.",
    "We found no fault after a full day of testing. The unit works as it should.",
    "The unit was opened and repaired elsewhere, which ends the warranty.",
    "The wear shown is normal for how long the unit has been used, so it is not a warranty "
    "fault.",
)
EXPIRED_REASON = "The warranty ended before the fault was reported, so it is not covered."
PROOF_REJECTED_REASON = ("The receipt does not match the unit: the serial and the shop on it "
                         "differ, so we could not confirm the purchase.")

REPAIR_NOTES: tuple[str, ...] = (
    "Fault reproduced on the bench; part ordered.",
    "Customer called to ask for an update; told the promised date.",
    "Part fitted, unit on a 24-hour soak test.",
    "Firmware updated and settings reset before testing.",
)
# The reason each move of a claim records, by the state it moves to (a ClaimState is its value).
MOVE_REASONS: dict[str, str] = {
    "reviewing": "Checking the warranty and the papers.",
    "inspecting": "Evidence complete; the unit is on the bench.",
    "repairing": "Fault confirmed; repairing in the shop.",
    "at_manufacturer": "Sent to the brand's service centre.",
}
