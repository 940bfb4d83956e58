import { registry } from "@web/core/registry";
import {
    Many2ManyBinaryField,
    many2ManyBinaryField,
} from "@web/views/fields/many2many_binary/many2many_binary_field";

/**
 * The evidence of a points claim: photos shown as thumbnails (a click opens the photo), other files as the usual
 * file chip with their name.
 */
export class EvidenceField extends Many2ManyBinaryField {
    static template = "party_member_points.EvidenceField";

    isImage(file) {
        return Boolean(file.mimetype && file.mimetype.startsWith("image/"));
    }

    getThumbnailUrl(file) {
        return `/web/image/${file.id}/256x256?unique=${encodeURIComponent(file.checksum || file.id)}`;
    }

    getImageUrl(file) {
        return `/web/image/${file.id}`;
    }
}

registry.category("fields").add("party_evidence", {
    ...many2ManyBinaryField,
    component: EvidenceField,
    relatedFields: [...many2ManyBinaryField.relatedFields, { name: "checksum", type: "char" }],
});
