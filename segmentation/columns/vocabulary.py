"""What state, document-type and flag values mean, in the languages shops write them: data.

A value is compared by its *key*: lower case, accents removed, letters and digits of any script
kept (``"Storniert "``, ``"STORNIERT"`` and ``"storniert"`` are one key; ``"Annulée"`` is
``annulee``; ``"キャンセル"`` stays itself). Meanings:

``sale``      a purchase (paid, completed, shipped, an invoice, an item line);
``void``      not a sale: cancelled, void, failed, pending, draft, quote, test, declined,
              awaiting payment, deleted;
``refund``    a refund, return or credit note: its value is money going back;
``refunded``  a purchase refunded in full (the purchase and its refund in one row).

A column whose header speaks of delivery (fulfilment, shipping) says nothing about the sale and
is not read for meanings; a flag column (yes/no, true/false, 1/0, X/blank) takes its meaning from
its header (``Test order`` yes is no sale, ``Paid?`` no is no sale).
"""

from __future__ import annotations

import functools
import re
import unicodedata

# meaning -> language -> words (as the systems write them; the key makes case and accents free)
STATE_WORDS: dict[str, dict[str, str]] = {
    "sale": {
        "en": "paid|complete|completed|closed|shipped|delivered|fulfilled|succeeded|success|"
        "processing|invoice|sales invoice|customer invoice|tax invoice|sale|sales|sale line|"
        "line|line item|item|posted|authorised|authorized|partially refunded|partially paid|"
        "settled|captured|approved|payment|sales receipt|order|confirmed|done|invoiced|booked|"
        "one-off|one time|purchase|subscription|subscription payment|renewal|recurring|charge",
        "de": "bezahlt|abgeschlossen|versendet|versandt|geliefert|zugestellt|erledigt|"
        "rechnung|verkauf|gebucht|in bearbeitung|bestätigt|ausgeliefert|fakturiert|beglichen",
        "fr": "payé|payée|terminé|terminée|complété|complétée|expédié|expédiée|livré|livrée|"
        "facture|vente|validé|validée|encaissé|encaissée|en cours de traitement|confirmé|"
        "confirmée|facturé|facturée|réglé|réglée",
        "es": "pagado|pagada|completado|completada|enviado|enviada|entregado|entregada|factura|"
        "venta|procesando|en proceso|cobrado|cobrada|confirmado|confirmada|facturado|facturada",
        "pt": "pago|paga|concluído|concluída|completo|completa|enviado|enviada|entregue|"
        "faturado|faturada|fatura|venda|processando|em processamento|aprovado|aprovada|"
        "confirmado|confirmada",
        "it": "pagato|pagata|completato|completata|spedito|spedita|consegnato|consegnata|evaso|"
        "evasa|fattura|vendita|in lavorazione|confermato|confermata|fatturato|fatturata",
        "nl": "betaald|voltooid|afgerond|verzonden|geleverd|factuur|verkoop|in behandeling|"
        "bevestigd|gefactureerd",
        "pl": "opłacone|opłacony|opłacona|zapłacone|zapłacono|zrealizowane|zrealizowany|"
        "zakończone|wysłane|wysłany|dostarczone|dostarczony|faktura|sprzedaż|w realizacji|"
        "potwierdzone",
        "sv": "betald|betalt|slutförd|slutförd order|klar|skickad|skickat|levererad|faktura|"
        "försäljning|behandlas|bekräftad",
        "da": "betalt|gennemført|afsluttet|afsendt|leveret|faktura|salg|behandles|bekræftet",
        "no": "betalt|fullført|sendt|levert|faktura|salg|behandles|bekreftet",
        "fi": "maksettu|valmis|toimitettu|lähetetty|lasku|myynti|käsittelyssä|vahvistettu",
        "tr": "ödendi|ödenmiş|tamamlandı|kargolandı|kargoya verildi|gönderildi|teslim edildi|"
        "fatura|satış|hazırlanıyor|onaylandı",
        "ja": "支払済み|支払い済み|支払済|入金済み|入金済|完了|発送済み|発送済|配達済み|売上|"
        "請求書|処理中|注文確定|確定",
        "zh": "已付款|已支付|已完成|完成|已发货|已發貨|已送达|已送達|已签收|已簽收|销售|銷售|"
        "发票|發票|处理中|處理中|交易成功|已确认|已確認",
        "ko": "결제완료|결제 완료|완료|배송완료|배송 완료|배송중|발송완료|구매확정|판매|매출|"
        "처리중|주문확인",
        "ar": "مدفوع|مكتمل|تم الشحن|تم التوصيل|فاتورة|بيع|مبيعات|قيد المعالجة|مؤكد",
        "th": "ชำระแล้ว|ชำระเงินแล้ว|สำเร็จ|เสร็จสิ้น|จัดส่งแล้ว|ส่งแล้ว|ได้รับแล้ว|ขาย|"
        "ใบแจ้งหนี้|ใบกำกับภาษี|กำลังดำเนินการ|ยืนยันแล้ว",
        "id": "lunas|dibayar|sudah dibayar|selesai|dikirim|terkirim|diterima|faktur|penjualan|"
        "diproses|dikonfirmasi",
    },
    "void": {
        "en": "cancelled|canceled|cancel|void|voided|pending|failed|declined|draft|quote|"
        "quotation|quotation sent|estimate|proforma|pro forma|deleted|on hold|holded|trash|"
        "abandoned|expired|unpaid|awaiting payment|pending payment|payment review|fraud|"
        "disputed|checkout draft|blocked|test|test order|rejected|not paid|no sale|"
        "awaiting|incomplete|error",
        "de": "storniert|abgebrochen|ausstehend|entwurf|angebot|fehlgeschlagen|"
        "abgelehnt|test|gelöscht|zahlung ausstehend|warten auf zahlung|unbezahlt|annulliert|"
        "nicht bezahlt|abgelaufen|lieferschein",
        "fr": "annulé|annulée|en attente|échoué|échouée|échec|refusé|refusée|brouillon|devis|"
        "test|supprimé|supprimée|en attente de paiement|abandonné|abandonnée|impayé|impayée|"
        "non payé|expiré|expirée|bon de livraison",
        "es": "cancelado|cancelada|anulado|anulada|pendiente|fallido|fallida|rechazado|"
        "rechazada|borrador|presupuesto|cotización|prueba|eliminado|eliminada|"
        "pendiente de pago|impago|impagado|no pagado|expirado|caducado|albarán",
        "pt": "cancelado|cancelada|pendente|falhou|falhado|falhada|recusado|recusada|rascunho|"
        "orçamento|cotação|teste|excluído|excluída|aguardando pagamento|não pago|expirado|"
        "anulado|anulada",
        "it": "annullato|annullata|in attesa|fallito|fallita|rifiutato|rifiutata|bozza|"
        "preventivo|prova|test|eliminato|eliminata|in attesa di pagamento|non pagato|"
        "scaduto|stornato|ddt",
        "nl": "geannuleerd|in afwachting|mislukt|geweigerd|concept|offerte|test|verwijderd|"
        "wacht op betaling|onbetaald|niet betaald|verlopen|vervallen",
        "pl": "anulowane|anulowany|anulowana|oczekujące|oczekuje|nieudane|odrzucone|"
        "odrzucony|szkic|oferta|test|usunięte|oczekuje na płatność|nieopłacone|"
        "nieopłacony|wygasłe",
        "sv": "avbruten|avbrutet|annullerad|makulerad|väntande|misslyckad|nekad|utkast|offert|"
        "test|raderad|obetald|väntar på betalning",
        "da": "annulleret|afventer|mislykket|afvist|kladde|tilbud|test|slettet|ubetalt|"
        "afventer betaling",
        "no": "kansellert|annullert|venter|mislyktes|avvist|utkast|tilbud|test|slettet|ubetalt|"
        "venter på betaling",
        "fi": "peruttu|peruutettu|mitätöity|odottaa|odottaa maksua|epäonnistui|hylätty|"
        "luonnos|tarjous|testi|poistettu|maksamaton",
        "tr": "iptal|iptal edildi|beklemede|başarısız|reddedildi|taslak|teklif|test|silindi|"
        "ödeme bekleniyor|ödenmedi",
        "ja": "キャンセル|キャンセル済み|取消|取消し|取り消し|保留|保留中|失敗|拒否|下書き|見積|"
        "見積もり|見積書|テスト|削除|削除済み|入金待ち|支払い待ち|未払い|未入金",
        "zh": "已取消|取消|待付款|待支付|未付款|失败|失敗|已拒绝|已拒絕|草稿|报价|報價|报价单|"
        "報價單|测试|測試|已删除|已刪除|交易关闭|交易關閉|已作废|已作廢|作废|作廢",
        "ko": "취소|주문취소|결제취소|취소완료|대기|입금대기|결제대기|실패|거절|임시저장|견적|"
        "견적서|테스트|삭제|미결제",
        "ar": "ملغي|ملغى|ملغاة|تم الإلغاء|معلق|قيد الانتظار|فشل|فاشل|مرفوض|مسودة|عرض سعر|"
        "تجربة|اختبار|محذوف|غير مدفوع|بانتظار الدفع",
        "th": "ยกเลิก|ยกเลิกแล้ว|รอดำเนินการ|รอชำระเงิน|ล้มเหลว|ปฏิเสธ|ฉบับร่าง|ใบเสนอราคา|"
        "ทดสอบ|ลบแล้ว|ยังไม่ชำระ",
        "id": "dibatalkan|batal|menunggu|menunggu pembayaran|tertunda|gagal|ditolak|draf|"
        "penawaran|uji|tes|dihapus|belum dibayar|kedaluwarsa",
    },
    "refund": {
        "en": "refund|return|returned|credit note|credit|customer credit note|"
        "sales credit note|credit memo|chargeback|reversal|reversed|partial refund|"
        "refund line|adjustment note",
        "de": "gutschrift|rückerstattung|retoure|rücksendung|rechnungskorrektur|storno-rechnung|"
        "stornorechnung|rückbuchung|erstattung",
        "fr": "avoir|remboursement|retour|note de crédit|facture d'avoir|rétrofacturation",
        "es": "devolución|nota de crédito|abono|reembolso|factura rectificativa|contracargo",
        "pt": "devolução|nota de crédito|estorno|reembolso|chargeback",
        "it": "nota di credito|reso|rimborso",
        "nl": "creditnota|creditfactuur|retour|retourzending|terugbetaling",
        "pl": "korekta|faktura korygująca|zwrot|korekta faktury",
        "sv": "kreditnota|kreditfaktura|retur|återbetalning",
        "da": "kreditnota|retur|refusion|tilbagebetaling",
        "no": "kreditnota|retur|refusjon|tilbakebetaling",
        "fi": "hyvityslasku|hyvitys|palautus",
        "tr": "iade|iade faturası|alacak dekontu",
        "ja": "返品|返金|赤伝|貸方票",
        "zh": "退货|退貨|退款|红字发票|紅字發票|红冲|紅沖",
        "ko": "반품|환불",
        "ar": "مرتجع|مرتجعات|استرداد|إشعار دائن",
        "th": "คืนสินค้า|คืนเงิน|ใบลดหนี้",
        "id": "retur|pengembalian|pengembalian dana|nota kredit|refund",
    },
    "refunded": {
        "en": "refunded|fully refunded",
        "de": "erstattet|zurückerstattet|vollständig erstattet|rückerstattet",
        "fr": "remboursé|remboursée|entièrement remboursé",
        "es": "reembolsado|reembolsada|devuelto|devuelta",
        "pt": "reembolsado|reembolsada|estornado|estornada|devolvido|devolvida",
        "it": "rimborsato|rimborsata",
        "nl": "terugbetaald|gerestitueerd",
        "pl": "zwrócone|zwrócono|zwrócony",
        "sv": "återbetald|återbetalad",
        "da": "refunderet|tilbagebetalt",
        "no": "refundert|tilbakebetalt",
        "fi": "hyvitetty|palautettu",
        "tr": "iade edildi",
        "ja": "返金済み|返金済",
        "zh": "已退款|退款成功",
        "ko": "환불완료|환불 완료|반품완료",
        "ar": "تم الاسترداد|مسترد",
        "th": "คืนเงินแล้ว",
        "id": "dikembalikan|dana dikembalikan",
    },
}
MEANINGS = tuple(STATE_WORDS)

# Flag columns: the values of yes and no (keys), and what a header says a "yes" means.
TRUE_WORDS = frozenset(
    "yes y true t 1 x ja j oui o si sí s sim tak kyllä evet はい 是 예 نعم ใช่ ya wahr vrai "
    "verdadero verdadeiro vero waar prawda sant sandt sann tosi doğru checked ✓ ✔".split()
)
FALSE_WORDS = frozenset(
    "no n false f 0 nein non não nie nej ei hayır いいえ 否 아니요 لا ไม่ tidak falsch faux "
    "falso onwaar fałsz falskt falsk epätosi yanlış unchecked".split()
)
# header words -> the meaning of a row whose flag is yes ("not" inverts: a "paid" flag that is
# no means no sale).
FLAG_HEADERS: dict[str, str] = {
    **dict.fromkeys(
        "test|testorder|istest|cancelled|canceled|cancel|void|voided|deleted|draft|fraud|"
        "storniert|annule|annulee|cancelado|cancelada|annullato|geannuleerd|anulowane|"
        "testbestellung|prueba|teste|gelöscht|geloscht|キャンセル|取消|已取消|취소|ملغي|ยกเลิก|"
        "dibatalkan|batal|iptal|unpaid|not paid|unbezahlt|impaye|impago|non pagato|"
        "onbetaald|nieoplacone|obetald|ubetalt|maksamaton|odenmedi|未払い|未付款|미결제".split("|"),
        "void",
    ),
    **dict.fromkeys(
        "refunded|returned|erstattet|rembourse|reembolsado|rimborsato|terugbetaald|zwrocone|"
        "iade|返金済み|已退款|환불".split("|"),
        "refunded",
    ),
    **dict.fromkeys(
        "paid|ispaid|bezahlt|paye|payee|pagado|pagada|pago|pagato|betaald|oplacone|betald|"
        "betalt|maksettu|odendi|支払済み|已付款|결제완료|مدفوع|ชำระแล้ว|lunas|dibayar".split("|"),
        "not void",
    ),
}
# Columns that describe delivery, marketing or tax treatment: their values decide no sale.
NEUTRAL_HEADERS = (
    "fulfil|fulfill|shipping|shipment|ship|deliver|versand|lieferung|livraison|envio|"
    "spedizione|verzending|wysylka|leverans|levering|toimitus|kargo|配送|发货|發貨|배송|"
    "marketing|newsletter|consent|optin|subscribe|accepts|taxable|tax|vat|mwst|business|gift|"
    "requires|risk|source|channel|method|payment method|gateway|currency|country|unit|"
    "einheit|vip|member|loyalty|wholesale|b2b|pickup|salesperson|staff|user|employee|"
    "register|location|store|warehouse|category|tag|segment|language|sprache|gender|title|"
    "customer type|client type|customer group|kundengruppe|kundentyp|product type|"
    "payment type|zahlungsart|card type|price point|billing period|plan|interval|"
    "province|region|city|county|zip|postal|postcode|address|street|bundesland|kanton|"
    "buyer state|billing state|ship state|shipping state"
).split("|")


# A payment row is the sale in a payments export, but only the settlement of an invoice in a
# column that also holds invoices: there it is no second sale.
# What the row of totals under a table says in its first cells, in the reader's languages.
TOTAL_WORDS = frozenset(
    "total|totals|grand total|sum|subtotal|sub total|summe|gesamt|gesamtsumme|zwischensumme|"
    "total général|totaux|sous-total|total general|suma|suma total|totale|totale generale|"
    "totaal|eindtotaal|subtotaal|razem|suma całkowita|summa|totalt|i alt|yhteensä|toplam|"
    "genel toplam|итого|всего|celkem|összesen|合計|合计|总计|總計|小計|小计|합계|총계|소계|"
    "المجموع|الإجمالي|รวม|รวมทั้งสิ้น|jumlah|total keseluruhan".split("|")
)

# Words of a header that converts amounts into one currency ("Amount (EUR)" names the
# currency instead): settlement, base, home or reporting currency, in the reader's languages.
CONVERTED_WORDS = (
    "converted", "settlement", "settled", "base", "home currency", "functional", "reporting",
    "company currency", "umgerechnet", "hauswahrung", "converti", "convertido", "convertito",
    "omgerekend", "przeliczon", "omraknat", "omregnet", "muunnettu", "cevrilmis", "換算", "换算",
    "환산", "محول",
)  # fmt: skip

PAYMENT_WORDS = (
    "payment|payments|receipt|payment received|zahlung|zahlungseingang|paiement|règlement|"
    "pago|cobro|pagamento|betaling|płatność|betalning|maksu|ödeme|入金|付款|결제|دفعة|"
    "ชำระเงิน|pembayaran"
).split("|")
INVOICE_WORDS = (
    "invoice|rechnung|factur|fattura|faktur|factuur|lasku|fatura|請求書|发票|發票|ใบแจ้งหนี้|ใบกำกับภาษี"
).split("|")


def settles_invoices(values: list[str]) -> bool:
    """Whether a column's values hold invoices beside payments (payments then settle them)."""
    keys = [key(v) for v in values]
    has_invoice = any(key(w) in k for k in keys for w in INVOICE_WORDS)
    return has_invoice and any(k in _PAYMENT for k in keys)


def payment(value: object) -> bool:
    return key(value) in _PAYMENT


def key(value: object) -> str:
    """A value as compared: lower case, without accents, letters and digits of any script."""
    # Turkish dotless i: "TAMAMLANDI" is "tamamlandı" written in capitals.
    text = unicodedata.normalize("NFKD", str(value).strip().casefold().replace("ı", "i"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return "".join(ch for ch in text if ch.isalnum())


def is_total(value: object) -> bool:
    """Whether a cell is the label of a row of totals ("Total", "Summe:", "合計")."""
    return key(value) in _TOTAL_KEYS


def _table() -> dict[str, str]:
    out: dict[str, str] = {}
    for meaning, languages in STATE_WORDS.items():
        for words in languages.values():
            for word in words.split("|"):
                out.setdefault(key(word), meaning)
    for word in PAYMENT_WORDS:  # a sale unless it settles invoices (see settles_invoices)
        out.setdefault(key(word), "sale")
    return out


STATE_MEANING: dict[str, str] = _table()
_TOTAL_KEYS = frozenset(key(w) for w in TOTAL_WORDS)
_PAYMENT = frozenset(key(w) for w in PAYMENT_WORDS)


def state_meaning(value: object) -> str | None:
    """What a state or document-type value means (one of :data:`MEANINGS`), ``None`` if unknown.

    WooCommerce's ``wc-`` prefix is dropped (``wc-completed`` is ``completed``). A value of
    several words that is not in the vocabulary as a whole takes the meaning of its known
    words when they agree ("Subscription Payment"); words that disagree ("Payment failed")
    leave it unknown.
    """
    k = key(value)
    whole = STATE_MEANING.get(k) or STATE_MEANING.get(k.removeprefix("wc"))
    if whole:
        return whole
    words = [key(w) for w in re.split(r"[\s_/\-]+", str(value)) if key(w)]
    if len(words) < 2:
        return None
    meanings = {STATE_MEANING[w] for w in words if w in STATE_MEANING}
    return meanings.pop() if len(meanings) == 1 else None


_TRUE = frozenset(key(w) for w in TRUE_WORDS)
_FALSE = frozenset(key(w) for w in FALSE_WORDS)
# Headers of state and document-type columns, in the languages above.
STATE_HEADERS = tuple(
    key(w)
    for w in "status|state|stage|type|kind|statut|etat|estado|estatus|stato|zustand|durum|"
    "tipo|typ|art|belegart|belegtyp|documenttype|doctype|linetype|soort|rodzaj|tila|tyyppi|"
    "jenis|状态|狀態|状態|상태|유형|種別|类型|類型|区分|الحالة|النوع|สถานะ|ประเภท".split("|")
)


def flag_value(value: object) -> bool | None:
    """``True`` or ``False`` for the values of a flag column, ``None`` for anything else."""
    k = key(value)
    if k in _TRUE:
        return True
    if k in _FALSE:
        return False
    return None


def state_header(header: str) -> bool:
    """Whether a header names a state or a document type (Status, Belegart, 상태, ...)."""
    k = key(header)
    return any(word in k for word in STATE_HEADERS)


# A column named only "State" (or "Estado", "Région") is part of an address when the file has
# other address columns.
ADDRESS_NAMES = ("state", "estado", "etat", "stato", "provincia", "region")
ADDRESS_WORDS = ("city", "zip", "postal", "postcode", "address", "country", "street", "ville")


def address_part(header: str, headers: list[str]) -> bool:
    """Whether a header such as "State" is an address part in a file with these headers."""
    if key(header) not in ADDRESS_NAMES:
        return False
    return any(word in key(h) for h in headers for word in ADDRESS_WORDS)


def flag_header(header: str) -> str | None:
    """What a yes means in a flag column with this header: ``void``, ``refunded``, ``not void``
    (a no is no sale), or ``None`` when the header does not say. Words are matched as words
    ("Unpaid" is no "paid" flag)."""
    for meaning in ("void", "refunded", "not void"):
        if header_has(header, _FLAG_WORDS[meaning]):
            return meaning
    return None


def _tokens(header: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(header))
    return [key(t) for t in re.split(r"[\W_]+", spaced) if key(t)]


@functools.cache
def _parts(word: str) -> list[str]:
    return [key(p) for p in word.split() if key(p)]


def header_has(header: str, words: list[str] | tuple[str, ...]) -> bool:
    """Whether a header holds one of these words: a Latin word starts one of the header's
    words ("ship" in "Shipping Method", not in "Relationship"), a phrase of several words
    appears as such, a word of another script anywhere."""
    tokens = _tokens(header)
    spaced = " " + " ".join(tokens) + " "
    whole = key(header)
    for word in words:
        parts = _parts(word)
        if not parts:
            continue
        if not parts[0].isascii():
            if "".join(parts) in whole:
                return True
        elif len(parts) > 1:
            if " " + " ".join(parts) in spaced:
                return True
        elif any(t.startswith(parts[0]) for t in tokens):
            return True
    return False


_FLAG_WORDS = {
    meaning: [w for w, m in FLAG_HEADERS.items() if m == meaning]
    for meaning in ("void", "refunded", "not void")
}


def neutral_header(header: str) -> bool:
    """Whether a column's header says it is about delivery, marketing, tax or people, not about
    whether the row is a sale."""
    return header_has(header, NEUTRAL_HEADERS)
