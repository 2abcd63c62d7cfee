"""What the bot says when the results store fails (``StoreError``), in B1 Dutch.

The wording follows the channels' reply for a server that is down
(``bot.channels.guard``): say sorry, say what is still true, say what to do.
Nothing is changed when a read fails, and a failed delete or withdrawal
is rolled back, so each text can say what is still there.
"""

from __future__ import annotations

#: A read failed (share code, "wat weet je van mij?"): nothing is lost or changed.
TRY_AGAIN = (
    "Sorry, er ging iets mis aan onze kant. Je antwoorden zijn niet kwijt. "
    "Probeer het over een minuutje opnieuw: stuur je bericht dan nog een keer."
)

#: Erasing failed: the stored results are all still there, nothing half-deleted.
DELETE_FAILED = (
    "Sorry, er ging iets mis aan onze kant. Het wissen is niet gelukt. "
    "Probeer het over een minuutje opnieuw: typ dan weer 'verwijder mijn gegevens'."
)

#: Withdrawing failed: the code still works, and the person should know that.
WITHDRAW_FAILED = (
    "Sorry, er ging iets mis aan onze kant. Je deelcode werkt nog. "
    "Probeer het over een minuutje opnieuw: typ dan weer 'code intrekken'."
)
